import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import { checkName } from './sql-helpers';

/** The repositories the store has seen; other tables refer to them by name. */
export class ReposTable {
  private readonly sql: Statements<'insert' | 'list'>;

  constructor(private readonly ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'repos', {
      insert: (prepare) => prepare('INSERT INTO repos (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
      list: (prepare) => prepare('SELECT name FROM repos ORDER BY name').pluck(),
    });
  }

  /**
   * Names whose row is committed (repos are never deleted). Every push stores an event and
   * a job, each needing its repo: remembering the rows the server ensured at start saves
   * two statements per delivery inside the group commit.
   */
  private readonly committed = new Set<string>();

  /** Idempotent; call inside the write that first needs the repo. */
  ensureRepo(name: string): void {
    if (this.committed.has(name)) return;
    checkName('repo', name);
    if (this.ctx.db.inTransaction) {
      // the caller's transaction may still roll back: not remembered
      this.sql.insert.run(name, this.ctx.now());
      return;
    }
    this.ctx.write(() => this.sql.insert.run(name, this.ctx.now()));
    this.committed.add(name);
  }

  listRepos(): string[] {
    return this.sql.list.all() as string[];
  }
}
