import { IntegralGitError } from '../errors';
import { header, type IncomingRequest } from './incoming-request';
import { hmacProblem } from './verify-hmac';

/** Standard Webhooks' recommended tolerance between the sender's clock and ours. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * Verify a Standard Webhooks signature (https://www.standardwebhooks.com/, as GitLab's
 * signing token uses it): HMAC-SHA256 keyed with the base64 part of `whsec_<base64>` over
 * `<webhook-id>.<webhook-timestamp>.<raw body>`; `webhook-signature` holds one or more
 * space-separated `v1,<base64>` entries, one of which must match.
 */
export function compareSigningToken(req: IncomingRequest, signingToken: string, host: string, nowMs = Date.now()): void {
  const signature = header(req, 'webhook-signature');
  const id = header(req, 'webhook-id');
  const timestamp = header(req, 'webhook-timestamp');
  if (signature === undefined || id === undefined || timestamp === undefined) {
    throw new IntegralGitError(
      'IG_SIGNATURE_MISSING',
      `the repo secret is a signing token (whsec_…) but the delivery lacks webhook-signature, webhook-id or webhook-timestamp: set the same signing token on the ${host} webhook`,
    );
  }
  const key = Buffer.from(signingToken.slice('whsec_'.length), 'base64');
  if (key.length === 0) {
    throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'the repo secret starts with whsec_ but holds no base64 key after it');
  }
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(seconds)) throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'webhook-timestamp is not a number of seconds');
  const skew = Math.abs(nowMs / 1000 - seconds);
  if (skew > TIMESTAMP_TOLERANCE_SECONDS) {
    throw new IntegralGitError(
      'IG_SIGNATURE_MISMATCH',
      `webhook-timestamp is ${Math.round(skew)} s away from this server's clock (tolerance ${TIMESTAMP_TOLERANCE_SECONDS} s): a replay, or a clock to fix with NTP`,
    );
  }
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), req.rawBody]);
  const entries = signature.split(' ').filter((e) => e.startsWith('v1,'));
  if (entries.length === 0) throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'webhook-signature has no `v1,` entry');
  const ok = entries.some(
    (entry) => hmacProblem({ algorithm: 'sha256', key, signed, presented: entry, header: 'webhook-signature', prefix: 'v1,', encoding: 'base64' }) === null,
  );
  if (!ok) throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'webhook-signature does not match the body signed with the repo signing token');
}
