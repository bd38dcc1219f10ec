import type Database from 'better-sqlite3';
import { IntegralGitError } from '../errors';
import { isDatabaseBusy } from './busy-retry';

/** Prepares one statement; the table's definition adds `.pluck()` / `.raw()` as it needs. */
export type Prepare = (sql: string) => Database.Statement;

/** A table's statements by name, each prepared on its first use. */
export type Statements<K extends string> = { readonly [N in K]: Database.Statement };

/**
 * A table's statements, prepared on first use and then kept for the connection's life.
 * A CLI command uses a handful of the store's ~100 statements: preparing them all when the
 * store opened was most of the cost of opening it. A statement that does not prepare (a bug
 * in its SQL, or a schema it does not match) fails where it is first used, naming its SQL;
 * a busy database is passed through untouched, so callers that wait and retry still can.
 */
export function lazyStatements<K extends string>(db: Database.Database, table: string, definitions: Record<K, (prepare: Prepare) => Database.Statement>): Statements<K> {
  const statements = {} as Record<K, Database.Statement>;
  for (const name of Object.keys(definitions) as K[]) {
    const prepare: Prepare = (sql) => {
      try {
        return db.prepare(sql);
      } catch (err) {
        if (isDatabaseBusy(err)) throw err;
        throw new IntegralGitError('IG_INTERNAL', `the store's statement ${table}.${name} does not prepare: ${(err as Error).message}. SQL: ${sql.replace(/\s+/g, ' ').trim()}`, {
          statement: `${table}.${name}`,
        });
      }
    };
    Object.defineProperty(statements, name, {
      configurable: true,
      enumerable: true,
      get() {
        const statement = definitions[name](prepare);
        // from now on a plain property: the hot path pays for the getter once
        Object.defineProperty(statements, name, { value: statement, enumerable: true, writable: false });
        return statement;
      },
    });
  }
  return statements;
}
