import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';

/** Commits indexed per transaction: big enough to be cheap per commit, small enough not to hold the event loop long (~20 ms). */
export const COMMIT_INDEX_BATCH = 2000;

/**
 * The full-text index of commits (commits_fts), filled in batches rather than row by row
 * in the webhook's transaction (migration 008): every commit with an id up to
 * `commits_fts_state.indexed_through` is in the index, newer ones are not yet.
 */
export class CommitIndexTable {
  private readonly sql: Statements<'mark' | 'newest' | 'index' | 'setMark'>;

  constructor(private readonly ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'commit_index', {
      mark: (prepare) => prepare('SELECT indexed_through FROM commits_fts_state WHERE id = 1').pluck(),
      newest: (prepare) => prepare('SELECT ifnull(max(id), 0) FROM commits').pluck(),
      index: (prepare) => prepare(
        `INSERT INTO commits_fts (rowid, repo, message, author_name, author_email)
         SELECT id, repo, message, author_name, author_email FROM commits WHERE id > ? AND id <= ?`,
      ),
      setMark: (prepare) => prepare('UPDATE commits_fts_state SET indexed_through = ? WHERE id = 1'),
    });
  }

  /** How many commits are stored but not searchable yet (two index lookups, no scan). */
  unindexedCommits(): number {
    return Math.max(0, (this.sql.newest.get() as number) - (this.sql.mark.get() as number));
  }

  /**
   * Index the next `max` commits not in the index yet, in one write transaction; returns
   * how many ids it covered (0: nothing was pending). Ids only grow, so a range on the
   * primary key finds them; the mark moves in the same transaction as the rows.
   */
  indexPendingCommits(max = COMMIT_INDEX_BATCH): number {
    if (this.ctx.db.readonly || this.unindexedCommits() === 0) return 0;
    return this.ctx.write(() => {
      const from = this.sql.mark.get() as number;
      const to = Math.min(this.sql.newest.get() as number, from + max);
      if (to <= from) return 0;
      this.sql.index.run(from, to);
      this.sql.setMark.run(to);
      return to - from;
    });
  }
}
