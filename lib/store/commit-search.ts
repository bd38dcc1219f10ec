import { IntegralGitError } from '../errors';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { CommitRow, Page } from './types';
import { toCommitRow } from './commits';
import type { CommitIndexTable } from './commit-index';
import { isDatabaseBusy } from './busy-retry';
import { checkLimit, parseCursor, toPage } from './sql-helpers';

const COLUMNS = 'c.id, c.repo, c.sha, c.branch, c.message, c.author_name, c.author_email, c.timestamp, c.url, c.event_id, c.recorded_at';

/*
 * CROSS JOIN keeps the full-text index as the outer loop, walked newest first (FTS5 serves
 * `ORDER BY rowid DESC` and `rowid < ?` natively), so a page stops after `limit` hits even
 * when a word is in every commit.
 */
export const SEARCH_COMMITS_FTS_SQL = `SELECT ${COLUMNS} FROM commits_fts f CROSS JOIN commits c ON c.id = f.rowid
  WHERE commits_fts MATCH ? AND f.rowid < ? AND c.repo = ? ORDER BY f.rowid DESC LIMIT ?`;
/**
 * A range of commits_repo_sha_branch; the few rows found are sorted. INDEXED BY: left to
 * itself the planner walks commits_repo by id to avoid the sort, every commit of the repo
 * when nothing matches.
 */
export const SEARCH_COMMITS_SHA_SQL = `SELECT ${COLUMNS} FROM commits c INDEXED BY commits_repo_sha_branch
  WHERE c.repo = ? AND c.sha >= ? AND c.sha < ? AND c.id < ? ORDER BY c.id DESC LIMIT ?`;

export interface CommitSearch {
  /** an FTS5 query (built by lib/history/search-query.ts, never raw user text) */
  match?: string;
  /** lower-case hex */
  shaPrefix?: string;
  before?: string;
  limit: number;
}

/** The upper bound of a prefix range: shas are lower-case hex, all below '~'. */
export function prefixEnd(prefix: string): string {
  return prefix + '~';
}

/** Commit search: full text over message and author (commits_fts), and sha prefixes. */
export class CommitSearchTable {
  private readonly sql: Statements<'byText' | 'bySha'>;

  constructor(
    ctx: StoreContext,
    private readonly index: CommitIndexTable,
  ) {
    this.sql = lazyStatements(ctx.db, 'commit_search', {
      byText: (prepare) => prepare(SEARCH_COMMITS_FTS_SQL),
      bySha: (prepare) => prepare(SEARCH_COMMITS_SHA_SQL),
    });
  }

  /** Commits matching the text OR the sha prefix, newest first, keyset on the row id. */
  searchCommits(repo: string, q: CommitSearch): Page<CommitRow> {
    const limit = checkLimit(q.limit);
    const before = parseCursor(q.before);
    type Row = Parameters<typeof toCommitRow>[0];
    const found = new Map<number, Row>();
    if (q.match) {
      this.catchUp();
      let rows: Row[];
      try {
        rows = this.sql.byText.all(q.match, before, repo, limit + 1) as Row[];
      } catch (err) {
        throw new IntegralGitError('IG_USAGE', `the search could not be run: ${(err as Error).message}; search for plain words, an author or a commit sha prefix`);
      }
      for (const r of rows) found.set(r.id, r);
    }
    if (q.shaPrefix) {
      for (const r of this.sql.bySha.all(repo, q.shaPrefix, prefixEnd(q.shaPrefix), before, limit + 1) as Row[]) found.set(r.id, r);
    }
    const merged = [...found.values()].sort((a, b) => b.id - a.id).slice(0, limit + 1);
    return toPage(merged, limit, toCommitRow);
  }

  /**
   * The commits stored since the indexer's last batch are indexed before the words are
   * looked up, so a search finds a commit as soon as its push was answered. While another
   * process holds the write lock the search answers from what is indexed (at most the
   * indexer's last second behind) rather than wait or fail.
   */
  private catchUp(): void {
    try {
      while (this.index.indexPendingCommits() > 0);
    } catch (err) {
      if (!isDatabaseBusy(err)) throw err;
    }
  }
}
