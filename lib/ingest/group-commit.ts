import type { IngestStore } from '../store';

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
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly store: Pick<IngestStore, 'durably'>) {}

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the I/O callbacks of this turn: the requests that
        // finished arriving together are committed together
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    let values: unknown[];
    try {
      values = this.store.durably(() => batch.map((item) => item.work()));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
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
