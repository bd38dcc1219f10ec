import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ingestWebhook } from '../../lib/ingest/ingest-webhook';
import { GroupCommitter } from '../../lib/ingest/group-commit';
import type { AppContext } from '../app-context';
import { requestAddress, toIncomingRequest } from '../request-info';

/**
 * POST /update: every provider. The raw bytes are kept (signatures are over them); the
 * size limit applies after gzip inflation; everything else is lib/ingest's business.
 */
export function updateRouter(ctx: AppContext): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: ctx.settings.bodyLimit, inflate: true });
  const committer = new GroupCommitter(ctx.store);
  const deps = { settings: ctx.settings, store: ctx.store, logger: ctx.logger, metrics: ctx.metrics, committer, kick: (repo: string) => ctx.queue.kick(repo) };
  router.post('/update', raw, async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = await ingestWebhook(deps, toIncomingRequest(req, body, ctx.settings));
    res.status(answer.status).json(answer.body);
  });
  router.all('/update', (req: Request, res: Response) => {
    res.set('Allow', 'POST').status(405).json({ error: `${req.method} /update is not supported: git hosts POST webhooks here` });
  });
  // body-parser failures (too large, bad encoding, aborted) are deliveries too: log them
  router.use('/update', (err: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction) => {
    if (!err || typeof err !== 'object' || !('type' in err)) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
    const reason =
      err.type === 'entity.too.large'
        ? `body exceeds the limit of ${ctx.settings.bodyLimit} bytes (setting \`bodyLimit\`)`
        : err.type === 'encoding.unsupported'
          ? `unsupported Content-Encoding or charset: ${err.message ?? ''}`
          : err.type === 'request.aborted'
            ? 'the client aborted the request'
            : `unreadable body: ${err.message ?? err.type}`;
    ctx.store.recordDelivery({ remoteAddr: requestAddress(req, ctx.settings), outcome: 'rejected', statusCode: status, reason });
    ctx.metrics.deliveries.inc({ provider: 'unknown', outcome: 'rejected' });
    ctx.logger.warn(`delivery from ${requestAddress(req, ctx.settings)}: rejected ${status}: ${reason}`);
    if (!res.headersSent) res.status(status).json({ error: reason, code: status === 413 ? 'IG_PAYLOAD_TOO_LARGE' : 'IG_PAYLOAD_INVALID' });
  });
  return router;
}
