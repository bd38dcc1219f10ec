import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import { checkName } from './sql-helpers';

/** The repositories the store has seen; other tables refer to them by name. */
export class ReposTable {
  private readonly insert: Database.Statement;
  private readonly list: Database.Statement;

  constructor(private readonly ctx: StoreContext) {
    this.insert = ctx.db.prepare('INSERT INTO repos (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.list = ctx.db.prepare('SELECT name FROM repos ORDER BY name').pluck();
  }

  /** Idempotent; call inside the write that first needs the repo. */
  ensureRepo(name: string): void {
    this.ctx.write(() => {
      this.insert.run(checkName('repo', name), this.ctx.now());
    });
  }

  listRepos(): string[] {
    return this.list.all() as string[];
  }
}
