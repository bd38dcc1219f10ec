import type { NextFunction, Request, Response, RequestHandler } from 'express';
import type { PageEnv } from './page-env';
import { renderError } from './render-page';

/** 404 for a repo name that is not in the settings; the name is shown (escaped) so typos are obvious. */
export function renderUnknownRepo(env: PageEnv, req: Request, res: Response): void {
  const name = String(req.params.repo ?? '').slice(0, 200);
  renderError(env, req, res, 404, 'Unknown repository', `There is no repository named “${name}” on this server. Repositories are listed under \`repos\` in the server settings.`);
}

/** Any other GET that no route answered: an HTML 404 for browsers; the rest falls through to the JSON 404. */
export function notFound(env: PageEnv): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    renderError(env, req, res, 404, 'Page not found', `Nothing lives at ${req.path.slice(0, 200)}.`);
  };
}
