import type { NextFunction, Request, Response, RequestHandler } from 'express';
import type { Settings } from '../../lib/settings/types';
import { canRead } from './credentials';

export const READ_REALM = 'IntegralGit';

/**
 * `settings.readAuth`: basic auth in front of the pages and the JSON API (deployment logs
 * can show internal details). Admin credentials are accepted too, so one login covers both.
 * Never mounted on /update (webhooks carry their own signatures), /healthz or /metrics.
 */
export function requireReadAuth(settings: Settings, deny?: (req: Request, res: Response) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (canRead(settings, req)) return next();
    res.set('WWW-Authenticate', `Basic realm="${READ_REALM}", charset="UTF-8"`);
    if (deny) return deny(req, res);
    res.status(401).json({ error: 'these pages need a login: use the credentials of `readAuth` (or `admin`) in the server settings', code: 'IG_AUTH_REQUIRED' });
  };
}
