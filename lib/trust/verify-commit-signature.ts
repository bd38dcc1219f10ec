import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IntegralGitError } from '../errors';
import type { SignedCommitsPolicy } from '../settings/types';
import { localInvocation } from '../workcopy/native/native-git-env';
import { GitCommandError, lastLines, runGit } from '../workcopy/native/run-git';
import { runProcess } from '../workcopy/native/spawn-helper';

export interface VerifyCommitRequest {
  /** a git directory (bare or `.git`) holding the commit object */
  gitdir: string;
  commit: string;
  policy: SignedCommitsPolicy;
  /** what the commit is, for the message: "the head of branch `main`", "the config branch's head" */
  what: string;
  repo: string;
}

/**
 * `requireSignedCommits` (SPEC §10): `git verify-commit` with the allowed keys and nothing
 * else. git picks the format from the signature itself, so both kinds can be allowed at
 * once: SSH signatures against `gpg.ssh.allowedSignersFile` (git's allowed-signers format),
 * OpenPGP signatures against `gpgKeyring` (a GnuPG home, or a file of exported public keys
 * imported into a throw-away home). The service user's own keyrings and git config never
 * count: a key is allowed only because the settings name it. Throws IG_COMMIT_UNTRUSTED.
 */
export async function verifyCommitSignature(req: VerifyCommitRequest): Promise<void> {
  const inv = localInvocation();
  const config = [...inv.config, `gpg.ssh.allowedSignersFile=${req.policy.allowedSignersFile ?? '/dev/null'}`];
  const env: NodeJS.ProcessEnv = { ...inv.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'integralgit-gnupg-'));
  try {
    env.GNUPGHOME = await gnupgHome(req.policy.gpgKeyring, scratch);
    await runGit([...config.flatMap((c) => ['-c', c]), '--git-dir', req.gitdir, 'verify-commit', '--', req.commit], { cwd: req.gitdir, env });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    // an unsigned commit makes git exit 1 without a word
    throw untrusted(req, lastLines(err.stderr, 3) || 'the commit is not signed');
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The GnuPG home to verify with: the configured directory, or a fresh one with the keyring
 * file imported, or an empty one (no OpenPGP key allowed). gpg writes lock and trust files
 * in its home, and the configured one may not be writable by the service user: a
 * directory is therefore copied into the scratch home.
 */
async function gnupgHome(keyring: string | undefined, scratch: string): Promise<string> {
  const home = path.join(scratch, 'home');
  await fs.mkdir(home, { mode: 0o700 });
  if (!keyring) return home;
  const st = await fs.stat(keyring);
  if (st.isDirectory()) {
    for (const name of ['pubring.kbx', 'pubring.gpg', 'trustdb.gpg']) {
      await fs.copyFile(path.join(keyring, name), path.join(home, name)).catch(() => undefined);
    }
    return home;
  }
  const res = await runProcess('gpg', ['--batch', '--quiet', '--import', keyring], { cwd: scratch, env: { ...process.env, GNUPGHOME: home } });
  if (res.spawnError || res.code !== 0) {
    throw new IntegralGitError('IG_SETTINGS_INVALID', `requireSignedCommits.gpgKeyring ${keyring} could not be imported: ${res.spawnError?.message ?? lastLines(res.stderr, 2)}`, {
      keyring,
    });
  }
  return home;
}

function untrusted(req: VerifyCommitRequest, why: string): IntegralGitError {
  const allowed = [req.policy.allowedSignersFile && `the SSH keys in ${req.policy.allowedSignersFile}`, req.policy.gpgKeyring && `the OpenPGP keys in ${req.policy.gpgKeyring}`]
    .filter(Boolean)
    .join(' or ');
  return new IntegralGitError(
    'IG_COMMIT_UNTRUSTED',
    `${req.what} ${req.commit.slice(0, 12)} of ${req.repo} carries no good signature by ${allowed} (git verify-commit: ${why}); ` +
      'nothing was changed on disk: sign the commit with an allowed key (git commit -S) and push again',
    { commit: req.commit, repo: req.repo, why },
  );
}
