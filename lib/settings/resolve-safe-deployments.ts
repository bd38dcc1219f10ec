import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors';
import { asObject, asString, asStringArray, type RawObject } from './raw-access';
import type { RepoSettings, SignedCommitsPolicy } from './types';

/**
 * The safe-deployment settings (SPEC §10), kept apart from the rest of the repo entry so
 * that the two evolve independently: `requireSignedCommits` (paths made absolute and
 * checked to exist, since a missing keyring would refuse every deployment) and
 * `refuseNonFastForward`.
 */
export function resolveRepoSafety(
  raw: RawObject,
  at: string,
  ctx: { baseDir: string; problems: Problem[] },
): Pick<RepoSettings, 'requireSignedCommits' | 'refuseNonFastForward'> {
  // set only when on, so a repo entry without the keys reads as before
  const out: Pick<RepoSettings, 'requireSignedCommits' | 'refuseNonFastForward'> = raw.refuseNonFastForward === true ? { refuseNonFastForward: true } : {};
  const signed = asObject(raw.requireSignedCommits);
  if (!signed) return out;
  const policy: SignedCommitsPolicy = {};
  const signers = asString(signed.allowedSignersFile);
  if (signers !== undefined) {
    policy.allowedSignersFile = path.resolve(ctx.baseDir, signers);
    const problem = pathProblem(policy.allowedSignersFile, 'file');
    if (problem) ctx.problems.push({ path: `${at}/requireSignedCommits/allowedSignersFile`, message: problem });
  }
  const keyring = asString(signed.gpgKeyring);
  if (keyring !== undefined) {
    policy.gpgKeyring = path.resolve(ctx.baseDir, keyring);
    const problem = pathProblem(policy.gpgKeyring, 'either');
    if (problem) ctx.problems.push({ path: `${at}/requireSignedCommits/gpgKeyring`, message: problem });
  }
  if (policy.allowedSignersFile || policy.gpgKeyring) out.requireSignedCommits = policy;
  return out;
}

/** `healthcheckHosts`: host names or IP literals, compared case-insensitively. */
export function resolveHealthcheckHosts(raw: unknown, problems: Problem[]): string[] {
  const list = asStringArray(raw) ?? [];
  list.forEach((host, i) => {
    if (/[\s/:@?#]/.test(host.replace(/^\[[0-9a-fA-F:.]+\]$/, 'ip6'))) {
      problems.push({ path: `/healthcheckHosts/${i}`, message: `must be a bare host name or IP address (no scheme, port or path), got "${host}"` });
    }
  });
  return list.map((h) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1'));
}

function pathProblem(abs: string, kind: 'file' | 'either'): string | undefined {
  try {
    const st = fs.statSync(abs);
    if (st.isFile() || (kind === 'either' && st.isDirectory())) return undefined;
    return kind === 'file' ? `${abs} is not a regular file` : `${abs} is neither a GnuPG home directory nor a keyring file`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${abs} does not exist` : `${abs} cannot be checked (${code ?? String(err)})`;
  }
}
