import fs from 'node:fs/promises';
import path from 'node:path';
import type { RepoSettings } from '../settings/types';
import { assertBranchName } from '../workcopy/core/check-names';
import { fetchFailed } from '../workcopy/core/fetch-error';
import { redact } from '../workcopy/core/redact';
import { localInvocation, networkInvocation } from '../workcopy/native/native-git-env';
import { stripCredentials } from '../remote-url';
import { GitCommandError, lastLines, runGit } from '../workcopy/native/run-git';
import { IntegralGitError } from '../errors';

/**
 * Bring the bare cache of a releases deployment up to date with the remote branch (full
 * history: `refuseNonFastForward` asks whether the new head descends from the deployed one)
 * and return the commit to deploy: the branch head, or `targetCommit` (a rollback) once it
 * is known to be in the cache. Same credentials, SSH options and no-redirect rule as the
 * native backend. `noFetch` uses what the cache already holds.
 */
export async function fetchReleaseCache(req: { repo: RepoSettings; cache: string; branch: string; targetCommit?: string; noFetch?: boolean }): Promise<string> {
  assertBranchName(req.branch);
  const local = localInvocation(path.dirname(req.cache));
  if (!(await fs.stat(path.join(req.cache, 'HEAD')).catch(() => null))) {
    await fs.mkdir(req.cache, { recursive: true });
    await runGit(['init', '--quiet', '--bare', req.cache], { cwd: path.dirname(req.cache), env: local.env });
  }
  const ref = `refs/heads/${req.branch}`;
  if (!req.noFetch) {
    const inv = networkInvocation(req.repo, path.dirname(req.cache));
    const args = [...inv.config.flatMap((c) => ['-c', c]), '--git-dir', req.cache, 'fetch', '--quiet', '--no-tags', '--prune', '--', stripCredentials(req.repo.url), `+${ref}:${ref}`];
    try {
      await runGit(args, { cwd: req.cache, env: inv.env });
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      throw fetchFailed(req.repo, `fetching branch \`${req.branch}\` from ${stripCredentials(req.repo.url)}`, redact(lastLines(err.stderr), inv.secrets), req.branch);
    }
  }
  const wanted = req.targetCommit ?? ref;
  const res = await runGit(['--git-dir', req.cache, 'rev-parse', '--verify', '-q', `${wanted}^{commit}`], { cwd: req.cache, env: local.env, okCodes: [1, 128] });
  const commit = res.stdout.toString('utf8').trim();
  if (res.code !== 0 || !commit) {
    throw new IntegralGitError(
      'IG_FETCH_FAILED',
      req.targetCommit
        ? `commit ${req.targetCommit} is not in the history of \`${req.branch}\` fetched from ${stripCredentials(req.repo.url)}`
        : `branch \`${req.branch}\` is not in the release cache ${req.cache}${req.noFetch ? ' (run without --no-fetch)' : ''}`,
      { repo: req.repo.name, branch: req.branch },
    );
  }
  return commit;
}
