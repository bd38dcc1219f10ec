import type { RepoSettings } from '../settings/types';
import type { ConfigBranch } from './read-config-at-commit';
import { redactUrl } from '../remote-url';

// What every config-branch fetcher shares, apart from the dispatcher in fetch-config-branch.ts,
// which loads the in-process fetcher lazily: the fetchers import this, never the dispatcher.

export const CONFIG_BRANCH = 'integralgit';
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Past this many packfiles the cache is thrown away and fetched afresh (one tiny pack). */
export const MAX_CACHE_PACKS = 8;

export interface ConfigFetchRequest {
  repo: RepoSettings;
  /** the bare cache to fetch into: `<dataDir>/cache/<repo>.git` */
  gitdir: string;
  timeoutMs: number;
  /** the last valid version recorded, whole: a fetcher may answer with it when the branch has not moved */
  known?: { commit: string; text: string };
}

/** A way of bringing the config branch into the cache and reading it (HTTP in-process, or native git). */
export type ConfigBranchFetcher = (req: ConfigFetchRequest) => Promise<ConfigBranch>;


/** Never let a token slip into a message through an error text that quotes a URL. */
export function scrub(message: string, repo: RepoSettings): string {
  let out = message.split(repo.url).join(redactUrl(repo.url));
  if (repo.auth?.token) out = out.split(repo.auth.token).join('***');
  return out;
}
