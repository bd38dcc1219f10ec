import { IntegralGitError } from '../errors';
import type { OutgoingRequest } from './types';

export interface SendOptions {
  /** one attempt's bound: a target that hangs fails this attempt and is retried later */
  timeoutMs?: number;
  /** the outbox's abort of this attempt (its timeout, or the server stopping) */
  signal?: AbortSignal;
  /** values never to repeat in an error (the token, a signing secret) */
  secrets?: string[];
}

/**
 * The host refuses this request as it is, whatever the time: retrying cannot help. 401,
 * 403 and 404 are not in it: a token fixed in the settings (and a restart) makes the
 * pending retries succeed, and GitHub answers 404 for a repo the token cannot see.
 */
const PERMANENT = new Set([400, 405, 410, 413, 422]);
const MAX_ERROR_BODY_CHARS = 200;

/**
 * Send one request, once. 2xx is delivered; anything else throws IG_OUTCOME_SEND_FAILED
 * naming the origin (never the full URL: a Slack-style URL is itself a credential) and what
 * the host said. Redirects are not followed: a token must never reach a URL the sysadmin
 * did not write, and an API that moved should be fixed in the settings.
 */
export async function sendHttp(req: OutgoingRequest, opts: SendOptions): Promise<{ status: number }> {
  const origin = safeOrigin(req.url);
  const signals = [...(opts.signal ? [opts.signal] : []), ...(opts.timeoutMs !== undefined ? [AbortSignal.timeout(opts.timeoutMs)] : [])];
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: signals.length ? AbortSignal.any(signals) : null });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // fetch rejects with the signal's reason itself when the outbox aborts
    const why = opts.signal?.aborted
      ? `aborted: ${opts.signal.reason instanceof Error ? opts.signal.reason.message : 'the attempt was stopped'}`
      : e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer within ${opts.timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new IntegralGitError('IG_OUTCOME_SEND_FAILED', `POST to ${origin} failed: ${why}`, { origin, permanent: false });
  }
  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status };
  }
  const text = redact(await readSome(res), opts.secrets ?? []);
  const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
  const detail = location ? `redirected to ${safeOrigin(location)} (redirects are not followed: set the final URL in the settings)` : text ? `: ${text}` : '';
  throw new IntegralGitError('IG_OUTCOME_SEND_FAILED', `POST to ${origin} answered HTTP ${res.status}${location ? ' ' : ''}${detail}`, {
    origin,
    status: res.status,
    permanent: PERMANENT.has(res.status),
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

async function readSome(res: Response): Promise<string> {
  try {
    const text = await res.text();
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > MAX_ERROR_BODY_CHARS ? `${flat.slice(0, MAX_ERROR_BODY_CHARS)}…` : flat;
  } catch {
    return '';
  }
}

function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join('***'), text);
}
