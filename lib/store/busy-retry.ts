import { IntegralGitError } from '../errors';

/**
 * The server's connection waits only SERVER_BUSY_TIMEOUT_MS inside SQLite for a write lock
 * another process holds: SQLite's busy wait sleeps on Node's only thread, so a long one
 * (the 5 s the CLI keeps) freezes every request, /healthz included. Longer waits happen
 * here instead, between attempts on timers, while the event loop keeps turning.
 */
export const SERVER_BUSY_TIMEOUT_MS = 25;
/** A webhook waits this long for the lock before it gets 503 + Retry-After: under GitHub's 10 s delivery timeout. */
export const WEBHOOK_BUSY_WAIT_MS = 8_000;
/** A person pressing a button (deploy, unpin) waits this long before a 503: long enough for a backup's short lock, short for a browser. */
export const UI_BUSY_WAIT_MS = 5_000;
/** The Retry-After (seconds) of a 503 IG_DATABASE_BUSY. */
export const BUSY_RETRY_AFTER_S = 10;

const FIRST_DELAY_MS = 10;
const MAX_DELAY_MS = 500;

/** SQLITE_BUSY (and its extended codes): another connection holds the lock; trying again later can succeed. */
export function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export interface BusyRetryOptions {
  /** give up with IG_DATABASE_BUSY after this long (default: never) */
  maxWaitMs?: number;
  /** what is being written, for the error message */
  what?: string;
  /** called once, when the first attempt found the database locked */
  onWait?: () => void;
}

/**
 * Run a synchronous store write; while the database is locked by another process, try it
 * again with back-off (10 ms doubling to 500 ms). Any other failure is thrown at once.
 * `fn` must be safe to run again after a busy failure (a rolled-back transaction is).
 */
export async function retryWhileBusy<T>(fn: () => T, opts: BusyRetryOptions = {}): Promise<T> {
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isDatabaseBusy(err)) throw err;
      if (attempt === 0) opts.onWait?.();
      const waited = Date.now() - started;
      if (opts.maxWaitMs !== undefined && waited + delay > opts.maxWaitMs) throw databaseBusy(opts.what, waited);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

export function databaseBusy(what = 'a write', waitedMs: number): IntegralGitError {
  return new IntegralGitError(
    'IG_DATABASE_BUSY',
    `${what} waited ${(waitedMs / 1000).toFixed(1)} s for the database's write lock, which another process holds ` +
      '(an `sqlite3` shell left in a transaction, a backup tool, a stuck CLI command): find it with `fuser dataDir/integralgit.db` and end it',
    { waitedMs },
  );
}

/**
 * Writes that must all happen, in order, without the caller waiting: the first one the
 * locked database refuses, and every later one, are queued and retried on timers until
 * they land. `settled()` resolves when the queue is empty. A write that fails for another
 * reason is thrown to the caller when it runs at once, else reported and skipped.
 */
export class WriteBehind {
  private readonly queue: Array<() => void> = [];
  private delay = FIRST_DELAY_MS;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly onError: (err: unknown, queued: boolean) => void) {}

  run(work: () => void): void {
    if (this.queue.length === 0) {
      try {
        work();
        return;
      } catch (err) {
        if (!isDatabaseBusy(err)) throw err;
        this.onError(err, true);
      }
    }
    this.queue.push(work);
    this.schedule();
  }

  get pending(): number {
    return this.queue.length;
  }

  settled(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, this.delay);
  }

  private drain(): void {
    while (this.queue.length > 0) {
      try {
        this.queue[0]();
      } catch (err) {
        if (isDatabaseBusy(err)) {
          this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
          this.schedule();
          return;
        }
        this.onError(err, false);
      }
      this.queue.shift();
    }
    this.delay = FIRST_DELAY_MS;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
