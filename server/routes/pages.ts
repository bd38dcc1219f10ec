import { Router } from 'express';
import type { AppContext } from '../app-context';
import { repoSummaries } from '../../lib/history/repo-summaries';

/** HTML pages (first version: the index as JSON until the views land). */
export function pagesRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ host: ctx.settings.hostname, repos: repoSummaries(ctx.settings, ctx.store) });
  });
  return router;
}
