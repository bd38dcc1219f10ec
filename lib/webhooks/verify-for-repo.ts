import { isIntegralGitError } from '../errors';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { Provider } from '../providers/types';
import type { RepoSettings, Settings } from '../settings/types';

export type VerifyResult =
  | { ok: true; note?: string }
  | { ok: false; code: 'IG_SIGNATURE_MISSING' | 'IG_SIGNATURE_MISMATCH'; reason: string };

/**
 * Check a delivery against the matched repo's secret. An `insecure` repo skips the check
 * (and says so). The generic trigger also accepts the server-wide `triggerToken`. The
 * reason names the setting to fix, never the expected value.
 */
export function verifyForRepo(
  provider: Provider,
  req: IncomingRequest,
  repo: RepoSettings,
  settings: Pick<Settings, 'triggerToken'>,
): VerifyResult {
  if (repo.insecure) return { ok: true, note: `repo \`${repo.name}\` is marked insecure: signature not checked` };
  const secretName = repo.secretSource ?? `repos.${repo.name}.secret`;
  const candidates: Array<{ secret: string; name: string }> = [];
  if (provider.name === 'generic' && settings.triggerToken) candidates.push({ secret: settings.triggerToken, name: 'triggerToken' });
  if (repo.secret) candidates.push({ secret: repo.secret, name: secretName });
  if (candidates.length === 0) {
    return { ok: false, code: 'IG_SIGNATURE_MISMATCH', reason: `repo \`${repo.name}\` has no secret to check the delivery with: set \`${secretName}\`` };
  }
  let missing: string | undefined;
  let mismatch: string | undefined;
  let malformed: string | undefined;
  for (const candidate of candidates) {
    try {
      provider.verify(req, candidate.secret);
      return { ok: true };
    } catch (err) {
      const detail = err instanceof Error ? err.message : 'the signature could not be checked';
      if (isIntegralGitError(err) && err.code === 'IG_SIGNATURE_MISSING') missing = detail;
      else if (isIntegralGitError(err) && err.data?.malformed === true) malformed = detail;
      else mismatch = detail;
    }
  }
  if (mismatch === undefined && malformed !== undefined) {
    return {
      ok: false,
      code: 'IG_SIGNATURE_MISMATCH',
      reason: `malformed signature for repo \`${repo.name}\`: ${malformed}; this is not how ${provider.name} signs (a proxy rewriting the header, or a client that is not the git host), whatever the secret`,
    };
  }
  if (mismatch === undefined && missing !== undefined) {
    return { ok: false, code: 'IG_SIGNATURE_MISSING', reason: `no signature for repo \`${repo.name}\`: ${missing}` };
  }
  const names = candidates.map((c) => `\`${c.name}\``).join(' or ');
  return {
    ok: false,
    code: 'IG_SIGNATURE_MISMATCH',
    reason: `signature mismatch for repo \`${repo.name}\` (${mismatch}): the secret set in the git host's webhook differs from ${names}`,
  };
}
