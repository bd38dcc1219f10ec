import fs from 'node:fs';
import git, { type AuthCallback } from 'isomorphic-git';
import { IntegralGitError, isIntegralGitError } from '../errors';
import type { RepoSettings } from '../settings/types';
import { countPacks, ensureBareCache, removeCache } from './config-cache';
import { CONFIG_BRANCH, MAX_CACHE_PACKS, scrub, type ConfigFetchRequest } from './config-fetch-request';
import { gitHttpClient } from '../git-http-client';
import { readConfigAtCommit, type ConfigBranch } from './read-config-at-commit';
import { redactUrl } from '../remote-url';

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The HTTP(S) fetcher: isomorphic-git into the bare cache, then the tree read in-process. */
export async function isomorphicConfigFetcher(req: ConfigFetchRequest): Promise<ConfigBranch> {
  // Each fetch leaves a packfile; thousands of pushes must not leave thousands of them.
  if (countPacks(req.gitdir) >= MAX_CACHE_PACKS) removeCache(req.gitdir);
  try {
    return await fetchAndRead(req);
  } catch (err) {
    if (isIntegralGitError(err) || isRemoteError(err)) throw err;
    // anything else is a local fault (an interrupted earlier fetch, a damaged pack):
    // start from an empty cache once
    removeCache(req.gitdir);
    return await fetchAndRead(req);
  }
}

async function fetchAndRead(req: ConfigFetchRequest): Promise<ConfigBranch> {
  await ensureBareCache(req.gitdir);
  const commit = await fetchCommit(req);
  return readConfigAtCommit({ gitdir: req.gitdir, commit, url: req.repo.url });
}

async function fetchCommit(req: ConfigFetchRequest): Promise<string> {
  const { repo, gitdir } = req;
  const url = redactUrl(repo.url);
  const token = repo.auth?.token;
  const username = repo.auth?.username;
  const hasAuth = Boolean(token || username);
  const controller = new AbortController();
  const http = gitHttpClient({ url: repo.url, signal: controller.signal, maxBodyBytes: MAX_RESPONSE_BYTES, what: 'the config branch' });
  // GitHub takes any user name with a token; x-access-token is its documented convention
  const onAuth: AuthCallback | undefined = hasAuth ? () => ({ username: username ?? 'x-access-token', password: token ?? '' }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      // a little later than the abort, for a request that ignores its signal
      setTimeout(() => reject(new Error('timeout')), 2000).unref();
    }, req.timeoutMs);
  });
  try {
    // The config branch rarely moves while the code does on every push: ask for the refs
    // first (one request, the same advertisement a fetch starts with) and fetch only when
    // the branch is not what the cache holds. isomorphic-git's fetch would otherwise
    // negotiate and download an empty pack every time, and leave one more packfile.
    const cached = await cachedHead(gitdir);
    if (cached) {
      const refs = await Promise.race([git.listServerRefs({ http, url: repo.url, onAuth, protocolVersion: 1, prefix: `refs/heads/${CONFIG_BRANCH}` }), timedOut]);
      const remote = refs.find((r) => r.ref === `refs/heads/${CONFIG_BRANCH}`)?.oid;
      if (!remote) throw missingBranch(repo);
      if (remote === cached) return cached;
    }
    const result = await Promise.race([
      git.fetch({ fs, http, gitdir, url: repo.url, ref: CONFIG_BRANCH, remoteRef: `refs/heads/${CONFIG_BRANCH}`, singleBranch: true, depth: 1, tags: false, onAuth }),
      timedOut,
    ]);
    if (!result.fetchHead) throw missingBranch(repo);
    return result.fetchHead;
  } catch (err) {
    if (isIntegralGitError(err)) throw err;
    const e = err as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string; what?: string } };
    if (e.code === 'NotFoundError' && e.data?.what === `refs/heads/${CONFIG_BRANCH}`) throw missingBranch(repo);
    if (controller.signal.aborted) {
      throw new IntegralGitError('IG_FETCH_FAILED', `fetching branch \`${CONFIG_BRANCH}\` from ${url} timed out after ${formatDuration(req.timeoutMs)}`, { url, repo: repo.name });
    }
    if (e.code === 'HttpError' && e.data?.statusCode) {
      const status = e.data.statusCode;
      throw new IntegralGitError('IG_FETCH_FAILED', `fetching branch \`${CONFIG_BRANCH}\` from ${url} failed: HTTP ${status} ${e.data.statusMessage ?? ''}`.trimEnd() + httpHint(status, repo, hasAuth), {
        url,
        repo: repo.name,
        status,
      });
    }
    if (!isRemoteError(err)) throw err;
    throw new IntegralGitError('IG_FETCH_FAILED', `fetching branch \`${CONFIG_BRANCH}\` from ${url} failed: ${scrub(e.message ?? String(err), repo)}`, { url, repo: repo.name });
  } finally {
    clearTimeout(timer);
  }
}

/** The config commit the cache holds, when its object is there too (a damaged cache is reset by the caller). */
async function cachedHead(gitdir: string): Promise<string | null> {
  try {
    const oid = await git.resolveRef({ fs, gitdir, ref: `refs/remotes/origin/${CONFIG_BRANCH}` });
    const { type } = await git.readObject({ fs, gitdir, oid, format: 'content' });
    return type === 'commit' ? oid : null;
  } catch {
    return null;
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function missingBranch(repo: RepoSettings): IntegralGitError {
  return new IntegralGitError('IG_CONFIG_MISSING', `repository ${redactUrl(repo.url)} has no \`${CONFIG_BRANCH}\` branch; create it with \`integralgit init\``, {
    url: redactUrl(repo.url),
    repo: repo.name,
  });
}

function httpHint(status: number, repo: RepoSettings, hasAuth: boolean): string {
  if (status === 401 || status === 403) {
    return hasAuth
      ? `; authentication failed: the remote refused the credentials of repos.${repo.name}.auth (check the user name and the token, and that the token may read the repository)`
      : `; authentication failed: the remote asks for credentials: set repos.${repo.name}.auth`;
  }
  if (status === 404) return `; check repos.${repo.name}.url`;
  return '';
}

/** Errors that come from talking to the remote, as opposed to a fault in the local cache. */
function isRemoteError(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  if (['HttpError', 'SmartHttpError', 'UserCanceledError', 'UrlParseError', 'UnknownTransportError', 'RemoteCapabilityError', 'EmptyServerResponseError'].includes(e.code ?? '')) {
    return true;
  }
  if (e.name === 'AbortError' || e.message === 'timeout') return true;
  return /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(e.code ?? '') && !['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes(e.code ?? '');
}

