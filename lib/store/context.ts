import type Database from 'better-sqlite3';

/** What every table module gets: the connection, the clock and the resolved limits. */
export interface StoreContext {
  db: Database.Database;
  /** current time as an ISO-8601 UTC string */
  now(): string;
  /** run `fn` in a `BEGIN IMMEDIATE` transaction, or as part of the one already open */
  write<T>(fn: () => T): T;
  logLimitBytes: number;
  deliveryBodyLimitBytes: number;
}
