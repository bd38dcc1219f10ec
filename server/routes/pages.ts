import path from 'node:path';
import express, { Router } from 'express';
import type { AppContext } from '../app-context';
import { projectRoot } from '../../lib/version';
import { CsrfGuard } from '../middleware/csrf';
import { requireReadAuth } from '../middleware/read-auth';
import type { PageEnv } from '../pages/page-env';
import { renderError } from '../pages/render-page';
import { indexPage } from '../pages/index-page';
import { deliveriesPage } from '../pages/deliveries-page';
import { fleetPage } from '../pages/fleet-page';
import { repoPage } from '../pages/repo-page';
import { deploymentPage } from '../pages/deployment-page';
import { deploymentEvents } from '../pages/deployment-events';
import { jobPage } from '../pages/job-page';
import { searchPage } from '../pages/search-page';
import { repoEvents } from '../pages/repo-events';
import { badge } from '../pages/badge';
import { action } from '../pages/actions';
import { notFound } from '../pages/not-found';
import { pageErrors } from '../pages/page-errors';

export const PUBLIC_DIR = path.join(projectRoot(), 'public');

/**
 * The HTML pages. Static assets and the badge are open (they hold nothing private); every
 * page behind them honours `readAuth`. Admin actions are POST-only, behind admin
 * credentials and the CSRF guard (server/middleware/csrf.ts).
 */
export function pagesRouter(ctx: AppContext): Router {
  const env: PageEnv = { ctx, csrf: new CsrfGuard(ctx.settings.basePath || '/') };
  const router = Router();
  router.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h', redirect: false }), (_req, res) => {
    res.status(404).type('text').send('no such file');
  });
  router.get('/favicon.ico', (_req, res) => res.redirect(301, `${ctx.settings.basePath}/static/favicon.svg`));
  router.get('/:repo/badge.svg', badge(env));
  router.use(
    requireReadAuth(ctx.settings, (req, res) =>
      renderError(env, req, res, 401, 'Login required', 'These pages need a login: use the `readAuth` (or `admin`) credentials of the server settings.'),
    ),
  );
  router.get('/', indexPage(env));
  router.get('/deliveries', deliveriesPage(env));
  router.get('/fleet', fleetPage(env));
  router.get('/-/events', repoEvents(env)); // '-' starts no repo name (lib/settings/repo-name.ts)
  router.get('/:repo', repoPage(env));
  router.get('/:repo/search', searchPage(env));
  router.get('/:repo/deployments/:id', deploymentPage(env));
  router.get('/:repo/deployments/:id/events', deploymentEvents(env));
  router.get('/:repo/jobs/:id', jobPage(env));
  router.post('/:repo/actions/:action', express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }), action(env));
  router.use(notFound(env));
  router.use(pageErrors(env));
  return router;
}
