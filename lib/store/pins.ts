import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import type { ReposTable } from './repos';
import type { Pin } from './types';
import { checkName } from './sql-helpers';

/** A rollback pins (repo, host) to a commit until the next push or an explicit unpin. */
export class PinsTable {
  private readonly upsert: Database.Statement;
  private readonly get: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    const db = ctx.db;
    this.upsert = db.prepare(
      `INSERT INTO pins (repo, host, commit_sha, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repo, host) DO UPDATE SET commit_sha = excluded.commit_sha, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at`,
    );
    this.get = db.prepare('SELECT repo, host, commit_sha AS "commit", pinned_by AS "by", pinned_at AS "at" FROM pins WHERE repo = ? AND host = ?');
    this.remove = db.prepare('DELETE FROM pins WHERE repo = ? AND host = ?');
  }

  setPin(repo: string, host: string, commit: string, by: string | null): void {
    checkName('repo', repo);
    checkName('host', host);
    checkName('commit', commit);
    this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      this.upsert.run(repo, host, commit, by, this.ctx.now());
    });
  }

  getPin(repo: string, host: string): Pin | undefined {
    return this.get.get(repo, host) as Pin | undefined;
  }

  /** Returns whether a pin was there. */
  clearPin(repo: string, host: string): boolean {
    return this.ctx.write(() => this.remove.run(repo, host).changes > 0);
  }
}
