import type { IngestStore } from '../store';
import { isIntegralGitError } from '../errors';
import { isDatabaseBusy, retryWhileBusy, WEBHOOK_BUSY_WAIT_MS } from '../store/busy-retry';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the webhook path: every delivery that arrives in one event-loop turn is
 * written in one durable transaction, so a burst costs one fsync instead of one per
 * delivery, and each still gets its 202 only once it is on disk.
 *
 * No savepoint per delivery: each one made SQLite write a statement journal (temp-file
 * writes on every request, a quarter of the intake's CPU). Instead, when one piece of work
 * fails, the whole batch is rolled back and retried one delivery per transaction, so that
 * one failure still does not take the others down. Work must therefore be safe to run
 * again after a rollback (it only writes through the store).
 *
 * While another process holds the database's write lock, the batch is retried on timers
 * (the event loop keeps turning; deliveries arriving meanwhile join the next batch) for up
 * to `maxWaitMs`, then every piece is refused with IG_DATABASE_BUSY: nothing stored, the
 * caller answers 503 and the git host delivers again.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly store: Pick<IngestStore, 'durably'>,
    private readonly maxWaitMs = WEBHOOK_BUSY_WAIT_MS,
  ) {}

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.pending.length === 0) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: the requests that
    // finished arriving together are committed together
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = true;
      void this.flush().finally(() => {
        this.flushing = false;
        this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    let values: unknown[];
    try {
      values = await retryWhileBusy(() => this.store.durably(() => batch.map((item) => item.work())), { maxWaitMs: this.maxWaitMs, what: 'storing a webhook delivery' });
    } catch (err) {
      // the lock outlasted the wait: no piece can do better alone
      if (batch.length === 1 || isDatabaseBusy(err) || (isIntegralGitError(err) && err.code === 'IG_DATABASE_BUSY')) {
        for (const item of batch) item.reject(err);
        return;
      }
      // one piece failed (or the commit did): nothing of the batch is stored; each gets its
      // own transaction, and its own answer
      for (const item of batch) {
        try {
          item.resolve(this.store.durably(item.work));
        } catch (e) {
          item.reject(e);
        }
      }
      return;
    }
    batch.forEach((item, i) => item.resolve(values[i]));
  }
}

