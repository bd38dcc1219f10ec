import { Router } from 'express';
import type { AppContext } from '../app-context';

/** Liveness and readiness: the database answers, and how much work is waiting. */
export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    let database: boolean;
    try {
      database = ctx.store.healthCheck();
    } catch {
      database = false;
    }
    const body = {
      status: database ? 'ok' : 'unavailable',
      version: ctx.version,
      host: ctx.settings.hostname,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      database,
      workers: { active: ctx.queue.activeWorkers() },
      queueDepth: database ? ctx.store.queueDepth() : null,
      backend: ctx.backend.name,
    };
    res.status(database ? 200 : 503).json(body);
  });
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await ctx.metrics.render();
    res.type(contentType).send(body);
  });
  return router;
}
