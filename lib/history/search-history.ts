import type { Settings } from '../settings/types';
import type { HistoryStore } from '../store';
import { requireRepo } from '../settings/require-repo';
import { ftsQuery, parseSearch } from './search-query';
import { toApiCommit, toApiDeployment, type ApiCommit, type ApiDeployment } from './repo-history';

export const SEARCH_PAGE_SIZE = 20;
const DEPLOYMENTS_PER_COMMIT = 3;

export interface SearchHit extends ApiCommit {
  /** the push that brought the commit: where and by whom */
  push: { id: number; branch: string | null; pusher: string | null; receivedAt: string } | null;
  /** its newest deployments (up to 3) */
  deployments: Array<{ id: number; status: string; finishedAt: string | null }>;
}

export interface SearchResult {
  name: string;
  query: string;
  /** what was matched: the words, and a sha prefix when the query looks like one */
  terms: string[];
  shaPrefix: string | null;
  commits: SearchHit[];
  /** deployments of commits starting with the sha prefix (also those never pushed: polls, CLI) */
  deployments: ApiDeployment[];
  next: { commits?: string; deployments?: string };
}

export interface SearchOptions {
  q: string;
  commitsBefore?: string;
  deploymentsBefore?: string;
  limit?: number;
}

/**
 * Search one repo's history by message words, author, and sha prefix: commits newest first
 * (keyset pages, like the history lists), each with its push and its deployments.
 */
export function searchHistory(settings: Settings, store: HistoryStore, repo: string, opts: SearchOptions): SearchResult {
  requireRepo(settings, repo);
  const parsed = parseSearch(opts.q);
  const limit = Math.min(Math.max(opts.limit ?? SEARCH_PAGE_SIZE, 1), 100);
  const result: SearchResult = { name: repo, query: parsed.text, terms: parsed.terms, shaPrefix: parsed.shaPrefix ?? null, commits: [], deployments: [], next: {} };
  if (parsed.terms.length === 0) return result;
  const commits = store.searchCommits(repo, { match: ftsQuery(repo, parsed.terms), shaPrefix: parsed.shaPrefix, before: opts.commitsBefore, limit });
  result.commits = commits.items.map((c) => {
    const push = c.eventId !== null ? store.getPushEvent(c.eventId) : undefined;
    return {
      ...toApiCommit(c),
      push: push ? { id: push.id, branch: push.branch, pusher: push.pusher, receivedAt: push.receivedAt } : null,
      deployments: store.deploymentsOfCommit(repo, c.id, DEPLOYMENTS_PER_COMMIT).map((d) => ({ id: d.id, status: d.status, finishedAt: d.finishedAt })),
    };
  });
  if (commits.nextCursor) result.next.commits = commits.nextCursor;
  if (parsed.shaPrefix) {
    const deployments = store.searchDeploymentsBySha(repo, parsed.shaPrefix, { limit, before: opts.deploymentsBefore });
    result.deployments = deployments.items.map(toApiDeployment);
    if (deployments.nextCursor) result.next.deployments = deployments.nextCursor;
  }
  return result;
}
