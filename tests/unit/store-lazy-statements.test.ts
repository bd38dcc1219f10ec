import Database from 'better-sqlite3';
import { isIntegralGitError } from '../../lib/errors';
import { lazyStatements } from '../../lib/store/lazy-statements';
import { Store } from '../../lib/store';

describe('lazyStatements', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER)');
  });
  afterEach(() => db.close());

  it('prepares a statement on its first use only, and keeps it', () => {
    const prepare = jest.spyOn(db, 'prepare');
    const sql = lazyStatements(db, 't', {
      insert: (p) => p('INSERT INTO t (x) VALUES (?)'),
      count: (p) => p('SELECT count(*) FROM t').pluck(),
    });
    expect(prepare).not.toHaveBeenCalled();
    sql.insert.run(1);
    sql.insert.run(2);
    expect(sql.count.get()).toBe(2);
    expect(sql.insert).toBe(sql.insert);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('keeps statements per connection', () => {
    const other = new Database(':memory:');
    other.exec('CREATE TABLE t (x INTEGER)');
    const defs = { count: (p: (s: string) => Database.Statement) => p('SELECT count(*) FROM t').pluck() };
    const a = lazyStatements(db, 't', defs);
    const b = lazyStatements(other, 't', defs);
    db.exec('INSERT INTO t VALUES (1)');
    expect(a.count.get()).toBe(1);
    expect(b.count.get()).toBe(0);
    expect(a.count).not.toBe(b.count);
    other.close();
  });

  it('a statement that does not prepare fails on first use, naming the statement and its SQL', () => {
    const sql = lazyStatements(db, 'widgets', { list: (p) => p('SELECT name FROM\n   widgets') });
    let err: unknown;
    try {
      sql.list.all();
    } catch (e) {
      err = e;
    }
    expect(isIntegralGitError(err) && err.code).toBe('IG_INTERNAL');
    expect((err as Error).message).toContain('widgets.list');
    expect((err as Error).message).toContain('no such table: widgets');
    expect((err as Error).message).toContain('SQL: SELECT name FROM widgets');
    // and again on the next use: nothing half-made is kept
    expect(() => sql.list.all()).toThrow(/no such table: widgets/);
  });

  it('passes a busy database through untouched, so a caller can wait and retry', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const sql = lazyStatements(db, 't', {
      locked: () => {
        throw busy;
      },
    });
    expect(() => sql.locked).toThrow(busy);
  });
});

describe('Store', () => {
  it('prepares nothing when it opens: a command pays only for the statements it uses', () => {
    const db = new Database(':memory:');
    const prepare = jest.spyOn(db, 'prepare');
    // no schema at all: preparing any statement up front would throw "no such table"
    const store = new Store(db, ':memory:');
    expect(prepare).not.toHaveBeenCalled();
    expect(() => store.listRepos()).toThrow(/repos\.list.*no such table: repos/);
    store.close();
  });
});
