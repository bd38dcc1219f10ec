import { IntegralGitError, isIntegralGitError } from '../errors';
import type { RepoSettings } from '../settings/types';
import { configCacheDir, withCacheLock } from './config-cache';
import type { ConfigBranch } from './read-config-at-commit';
import { redactUrl, remoteKind } from '../remote-url';

export type { ConfigBranch } from './read-config-at-commit';
import { DEFAULT_FETCH_TIMEOUT_MS, scrub, type ConfigBranchFetcher, type ConfigFetchRequest } from './config-fetch-request';
export { CONFIG_BRANCH, DEFAULT_FETCH_TIMEOUT_MS, MAX_CACHE_PACKS, scrub, type ConfigBranchFetcher, type ConfigFetchRequest } from './config-fetch-request';

export interface FetchConfigBranchOptions {
  repo: RepoSettings;
  dataDir: string;
  /** guard on the whole fetch; default 30 s */
  timeoutMs?: number;
  /**
   * Reads remotes isomorphic-git cannot (SSH, scp-like, file://, local paths); supplied by
   * the native git backend. Without it such remotes fail with IG_FETCH_FAILED.
   */
  nativeFetcher?: ConfigBranchFetcher;
  /**
   * Read HTTP(S) remotes with `nativeFetcher` too (the server's \`git\` setting is native):
   * the same credentials and redirect rules as the working copy's fetch, and no
   * isomorphic-git loaded.
   */
  nativeForHttp?: boolean;
  /** see ConfigFetchRequest.known */
  known?: { commit: string; text: string };
}

/**
 * Fetch only `refs/heads/integralgit` (depth 1, no tags) of the repo into its bare cache
 * and read `config` (else `config.json`) from that commit, in-process. Errors:
 * IG_CONFIG_MISSING (no branch, or no file: `data.commit` then says which commit),
 * IG_CONFIG_INVALID (the file is a directory, a symlink or not UTF-8; `data.commit` set),
 * IG_FETCH_FAILED (network, HTTP status, credentials, refused redirect, timeout).
 */
export async function fetchConfigBranch(opts: FetchConfigBranchOptions): Promise<ConfigBranch> {
  const { repo } = opts;
  const gitdir = configCacheDir(opts.dataDir, repo.name);
  const req: ConfigFetchRequest = { repo, gitdir, timeoutMs: opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS, known: opts.known };
  const kind = remoteKind(repo.url);
  if (kind === 'http' && opts.nativeForHttp && opts.nativeFetcher) return withCacheLock(gitdir, () => opts.nativeFetcher!(req));
  if (kind !== 'http') {
    if (opts.nativeFetcher) return withCacheLock(gitdir, () => opts.nativeFetcher!(req));
    const what = kind === 'ssh' ? 'SSH remotes are' : kind === 'local' ? 'local and file:// remotes are' : 'this kind of remote is';
    throw new IntegralGitError(
      'IG_FETCH_FAILED',
      `cannot read the config branch of ${redactUrl(repo.url)} (repos.${repo.name}.url): ${what} read with the native git backend, which is not available here`,
      { url: redactUrl(repo.url), repo: repo.name },
    );
  }
  try {
    // isomorphic-git (a few MB of code) loads only when an HTTP remote is read in-process
    const { isomorphicConfigFetcher } = await import('./isomorphic-config-fetcher');
    return await withCacheLock(gitdir, () => isomorphicConfigFetcher(req));
  } catch (err) {
    if (isIntegralGitError(err)) throw err;
    throw new IntegralGitError('IG_FETCH_FAILED', `reading the config branch of ${redactUrl(repo.url)} into ${gitdir} failed: ${scrub(String((err as Error)?.message ?? err), repo)}`, {
      url: redactUrl(repo.url),
      repo: repo.name,
    });
  }
}
