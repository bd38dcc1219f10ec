import type { Store } from '../store';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the webhook path: every delivery that arrives in one event-loop turn is
 * written in one durable transaction, so a burst costs one fsync instead of one per
 * delivery, and each still gets its 202 only once it is on disk. Each piece of work runs
 * in its own savepoint: one failure does not take the others down.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

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
    const results: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      this.store.durably(() => {
        for (const item of batch) {
          try {
            results.push({ ok: true, value: this.store.savepoint(item.work) });
          } catch (err) {
            results.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // the commit itself failed (disk full, database gone): nothing of the batch is stored
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i];
      if (r.ok) item.resolve(r.value);
      else item.reject(r.err);
    });
  }
}
