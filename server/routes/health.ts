import { Router } from 'express';
import type { AppContext } from '../app-context';

const STALL_MS = 60_000;

/** Liveness and readiness: the database answers and takes writes, workers take the queued work, how much waits. */
export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    let database: boolean;
    try {
      database = ctx.store.healthCheck();
    } catch {
      database = false;
    }
    // a repo with work waiting a minute and no worker on it: the queue is stuck
    const stalled = database
      ? Object.keys(ctx.settings.repos).filter((repo) => {
          if (ctx.queue.isRunning(repo) || ctx.store.queueDepth(repo) === 0) return false;
          const oldest = ctx.store.listJobs(repo, ['queued']).at(-1);
          return oldest !== undefined && Date.now() - Date.parse(oldest.createdAt) > STALL_MS;
        })
      : [];
    // reads answering is not enough: a read-only, full or damaged file still reads
    const writes = ctx.writeHealth.status;
    const ok = database && writes.ok && stalled.length === 0;
    const body = {
      status: !database || !writes.ok ? 'unavailable' : stalled.length > 0 ? 'stalled' : 'ok',
      version: ctx.version,
      host: ctx.settings.hostname,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      database,
      writes,
      workers: { active: ctx.queue.activeWorkers(), stalledRepos: stalled },
      queueDepth: database ? ctx.store.queueDepth() : null,
      backend: ctx.backend.name,
      // the bus down is not a reason to fail the check: intake and deployments go on without it
      ...(ctx.fleet ? { fleet: ctx.fleet.status } : {}),
    };
    res.status(ok ? 200 : 503).json(body);
  });
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await ctx.metrics.render();
    res.type(contentType).send(body);
  });
  return router;
}
