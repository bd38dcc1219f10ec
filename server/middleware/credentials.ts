import type { Request } from 'express';
import type { Settings } from '../../lib/settings/types';
import { tokensEqual } from '../../lib/webhook-primitives/compare-token';
import { parseBasicAuth } from '../../lib/webhooks/parse-basic-auth';

export type AdminAuth = { ok: true; via: 'bearer' | 'basic'; user: string } | { ok: false; presented: boolean };

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header || !/^bearer /i.test(header)) return undefined;
  return header.slice(7).trim();
}

/** Both halves are always compared (no short-circuit), each in constant time. */
function pairEquals(user: string, pass: string, wantUser: string, wantPass: string | undefined): boolean {
  const userOk = tokensEqual(user, wantUser);
  const passOk = wantPass !== undefined && tokensEqual(pass, wantPass);
  return userOk && passOk;
}

/**
 * The admin credentials of `settings.admin`: `Authorization: Bearer <admin.token>`, or
 * basic auth with `admin.username` and either `admin.password` or `admin.token` as the
 * password (so a browser can use a token-only admin too).
 */
export function checkAdmin(settings: Settings, req: Request): AdminAuth {
  const admin = settings.admin;
  const header = req.headers.authorization;
  if (!admin) return { ok: false, presented: header !== undefined };
  const bearer = bearerToken(req);
  if (bearer !== undefined) {
    return admin.token !== undefined && tokensEqual(bearer, admin.token) ? { ok: true, via: 'bearer', user: admin.username } : { ok: false, presented: true };
  }
  const basic = parseBasicAuth(header);
  if (!basic) return { ok: false, presented: header !== undefined };
  const byPassword = pairEquals(basic.username, basic.password, admin.username, admin.password);
  const byToken = pairEquals(basic.username, basic.password, admin.username, admin.token);
  return byPassword || byToken ? { ok: true, via: 'basic', user: admin.username } : { ok: false, presented: true };
}

/** Whether the request may read pages and the API: `readAuth` credentials or admin ones. */
export function canRead(settings: Settings, req: Request): boolean {
  const read = settings.readAuth;
  if (!read) return true;
  const basic = parseBasicAuth(req.headers.authorization);
  if (basic && pairEquals(basic.username, basic.password, read.username, read.password)) return true;
  return checkAdmin(settings, req).ok;
}
