import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { tokensEqual } from '../../lib/webhook-primitives/compare-token';

export const CSRF_COOKIE = 'ig_csrf';
export const CSRF_FIELD = '_csrf';

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * CSRF protection for the admin forms, in two independent layers:
 *
 * 1. A signed double-submit token. The browser holds a random value in an HttpOnly,
 *    SameSite=Strict cookie; each form carries HMAC(server key, that value) in a hidden
 *    field. Another site can neither read the cookie nor compute the HMAC (the key never
 *    leaves this process), so it cannot forge the field, even if it could plant a cookie.
 * 2. Fetch Metadata: when the browser says where the request comes from
 *    (`Sec-Fetch-Site`, sent by every current browser), it must be `same-origin`.
 *
 * Requests authenticated with a bearer token skip this: browsers never attach one on
 * their own. The key is per process, so a restart asks for a page reload before a form
 * works again, which is the whole cost.
 */
export class CsrfGuard {
  private readonly key: Buffer;

  constructor(
    private readonly cookiePath: string,
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  /** The hidden-field value for this browser, setting its cookie first when it has none. */
  tokenFor(req: Request, res: Response): string {
    let value = readCookie(req, CSRF_COOKIE);
    if (!value || !/^[A-Za-z0-9_-]{32,64}$/.test(value)) {
      value = randomBytes(24).toString('base64url');
      res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: this.cookiePath });
    }
    return this.sign(value);
  }

  /** undefined when the request passes; otherwise why not, in words for the error page. */
  problem(req: Request): string | undefined {
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin') {
      return `the form was sent from another site (Sec-Fetch-Site: ${site.slice(0, 20)}); use the buttons on this server's own pages`;
    }
    const cookie = readCookie(req, CSRF_COOKIE);
    const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!cookie) return 'the form came without its cookie (are cookies blocked for this site?); reload the page and try again';
    if (typeof field !== 'string' || field === '') return 'the form came without its CSRF token; reload the page and try again';
    if (!tokensEqual(field, this.sign(cookie))) return 'the form token is stale or forged (the server may have restarted); reload the page and try again';
    return undefined;
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
