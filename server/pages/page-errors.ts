import type { NextFunction, Request, Response, ErrorRequestHandler } from 'express';
import { isIntegralGitError } from '../../lib/errors';
import type { PageEnv } from './page-env';
import { renderError } from './render-page';
import { BUSY_RETRY_AFTER_S } from '../../lib/store/busy-retry';

const HEADINGS: Record<number, string> = { 400: 'Bad request', 401: 'Login required', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Too large', 503: 'Busy, try again' };

/** Errors from page routes as HTML pages (the app-wide handler answers JSON for the API). */
export function pageErrors(env: PageEnv): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    if (isIntegralGitError(err)) {
      if (err.code === 'IG_DATABASE_BUSY') res.set('Retry-After', String(BUSY_RETRY_AFTER_S));
      if (wantsJson) return void res.status(err.status).json({ error: err.message, code: err.code });
      return renderError(env, req, res, err.status, HEADINGS[err.status] ?? 'Error', err.message);
    }
    const raw = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    const status = raw >= 400 && raw < 600 ? raw : 500;
    if (status >= 500) env.ctx.logger.error(`${req.method} ${req.path} failed: ${(err as Error)?.stack ?? String(err)}`);
    const message = status >= 500 ? 'Something went wrong on the server; the server log has the details.' : String((err as Error)?.message ?? err).slice(0, 300);
    if (wantsJson) return void res.status(status).json({ error: message });
    renderError(env, req, res, status, HEADINGS[status] ?? 'Server error', message);
  };
}
