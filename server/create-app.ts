import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { isIntegralGitError } from '../lib/errors';
import type { AppContext } from './app-context';
import { BUSY_RETRY_AFTER_S } from '../lib/store/busy-retry';
import { healthRouter } from './routes/health';
import { apiRouter } from './routes/api';
import { pagesRouter } from './routes/pages';

/** The Express application: security headers, the routes, and errors as clear JSON or HTML. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false); // client addresses go through lib/network/client-address (trustProxy setting)
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'frame-ancestors': ["'none'"] },
      },
      hsts: false, // TLS is the reverse proxy's business; HSTS on a plain-HTTP port would be wrong
    }),
  );
  const router = express.Router();
  router.use(healthRouter(ctx));
  router.use(apiRouter(ctx));
  router.use(pagesRouter(ctx));
  app.use(ctx.settings.basePath || '/', router);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `nothing at ${req.method} ${req.path}`, code: 'IG_NOT_FOUND' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      // a stream (live log, a page half written) failed: end it instead of leaving it hanging
      ctx.logger.error(`${req.method} ${req.path} failed after its headers were sent: ${(err as Error)?.message ?? String(err)}`);
      res.destroy();
      return;
    }
    if (isIntegralGitError(err)) {
      if (err.code === 'IG_DATABASE_BUSY') res.set('Retry-After', String(BUSY_RETRY_AFTER_S));
      res.status(err.status).json({ error: err.message, code: err.code });
      return;
    }
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) ctx.logger.error(`${req.method} ${req.path} failed: ${(err as Error)?.stack ?? String(err)}`);
    res.status(status).json({ error: status >= 500 ? 'internal error (see the server log)' : String((err as Error)?.message ?? err) });
  });
  return app;
}
