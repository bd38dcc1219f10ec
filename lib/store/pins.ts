import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { ReposTable } from './repos';
import type { Pin } from './types';
import { checkName } from './sql-helpers';

/** A rollback pins (repo, host) to a commit until the next push or an explicit unpin. */
export class PinsTable {
  private readonly sql: Statements<'upsert' | 'get' | 'remove'>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    this.sql = lazyStatements(ctx.db, 'pins', {
      upsert: (prepare) => prepare(
        `INSERT INTO pins (repo, host, commit_sha, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (repo, host) DO UPDATE SET commit_sha = excluded.commit_sha, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at`,
      ),
      get: (prepare) => prepare('SELECT repo, host, commit_sha AS "commit", pinned_by AS "by", pinned_at AS "at" FROM pins WHERE repo = ? AND host = ?'),
      remove: (prepare) => prepare('DELETE FROM pins WHERE repo = ? AND host = ?'),
    });
  }

  setPin(repo: string, host: string, commit: string, by: string | null): void {
    checkName('repo', repo);
    checkName('host', host);
    checkName('commit', commit);
    this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      this.sql.upsert.run(repo, host, commit, by, this.ctx.now());
    });
  }

  getPin(repo: string, host: string): Pin | undefined {
    return this.sql.get.get(repo, host) as Pin | undefined;
  }

  /** Returns whether a pin was there. */
  clearPin(repo: string, host: string): boolean {
    return this.ctx.write(() => this.sql.remove.run(repo, host).changes > 0);
  }
}
