import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../../errors';
import type { ConfigBranch, ConfigFetchRequest } from '../../config/fetch-config-branch';
import { readConfigWithGit } from '../../config/read-config-with-git';
import type { RepoSettings } from '../../settings/types';
import { assertBranchName } from '../core/check-names';
import { fetchFailed } from '../core/fetch-error';
import { redact } from '../core/redact';
import { localInvocation, networkInvocation } from './native-git-env';
import { parseFetchHead } from './parse-git-output';
import { stripCredentials } from '../../remote-url';
import { GitCommandError, lastLines, runGit } from './run-git';

/**
 * Fetch one branch (depth 1, no tags) of a repository into a bare cache with the native git
 * CLI, with the same credentials, SSH options and redirect rules as the native backend.
 * This is how the config branch of an SSH remote is read (SPEC §2). Returns the branch's
 * commit, or null when the remote has no such branch.
 */
export async function fetchRefWithNativeGit(repo: RepoSettings, gitdir: string, branch: string, opts: { timeoutMs?: number } = {}): Promise<string | null> {
  assertBranchName(branch);
  const local = localInvocation(path.dirname(gitdir));
  if (!(await fs.stat(path.join(gitdir, 'HEAD')).catch(() => null))) {
    await fs.mkdir(gitdir, { recursive: true });
    await runGit(['init', '--quiet', '--bare', gitdir], { cwd: path.dirname(gitdir), env: local.env });
  }
  const inv = networkInvocation(repo, path.dirname(gitdir));
  const ref = `refs/heads/${branch}`;
  const url = stripCredentials(repo.url);
  const fetchHead = path.join(gitdir, 'FETCH_HEAD');
  // a FETCH_HEAD left by an earlier fetch must never be taken for this one's
  await fs.rm(fetchHead, { force: true });
  const args = [...inv.config.flatMap((c) => ['-c', c]), '-c', 'fetch.writeFetchHead=true', '--git-dir', gitdir, 'fetch', '--quiet', '--depth', '1', '--no-tags', '--', url, `+${ref}:${ref}`];
  try {
    await runGit(args, { cwd: gitdir, env: inv.env, timeoutMs: opts.timeoutMs });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    if (!err.timedOut && /couldn't find remote ref/i.test(err.stderr)) return null;
    throw fetchFailed(repo, `fetching branch \`${branch}\` from ${stripCredentials(repo.url)}`, redact(lastLines(err.stderr), inv.secrets));
  }
  // the fetched commit, from FETCH_HEAD: one git process fewer than asking rev-parse
  const fetched = parseFetchHead(await fs.readFile(fetchHead, 'utf8').catch(() => ''), branch, url);
  if (fetched) return fetched;
  const res = await runGit(['--git-dir', gitdir, 'rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: gitdir, env: local.env });
  return res.stdout.toString('utf8').trim();
}

/**
 * The config loader's `nativeFetcher` (lib/config/fetch-config-branch.ts): the
 * `integralgit` branch fetched with native git, its `config` read with `git cat-file`
 * (two git processes, no isomorphic-git).
 */
export async function nativeConfigFetcher(req: ConfigFetchRequest): Promise<ConfigBranch> {
  const commit = await fetchRefWithNativeGit(req.repo, req.gitdir, 'integralgit', { timeoutMs: req.timeoutMs });
  if (!commit) {
    throw new IntegralGitError('IG_CONFIG_MISSING', `repository ${stripCredentials(req.repo.url)} has no \`integralgit\` branch; create it with \`integralgit init\``, {
      url: stripCredentials(req.repo.url),
      repo: req.repo.name,
    });
  }
  // the branch has not moved since the last valid version: that version's text is the file
  if (req.known?.commit === commit) return { commit, filename: 'config', text: req.known.text };
  const local = localInvocation(path.dirname(req.gitdir));
  const catFile = async (input: string): Promise<Buffer> =>
    (await runGit(['--git-dir', req.gitdir, 'cat-file', '--batch'], { cwd: req.gitdir, env: local.env, input })).stdout;
  return readConfigWithGit({ commit, url: req.repo.url, catFile });
}
