import type { Logger } from '../log/logger';
import type { CommitIndexStore } from '../store';
import { describeError } from '../errors';
import { isDatabaseBusy } from '../store/busy-retry';

export const COMMIT_INDEX_INTERVAL_MS = 1_000;

/**
 * Keeps commit search current in the server: once a second, the commits stored since the
 * last run are added to the full-text index in batches (one transaction each, the event
 * loop turning between them), off the webhook's durable transaction where indexing them
 * one by one cost 40 % of the store's CPU. A search indexes what is left before it looks
 * (lib/store/commit-search.ts), so results never lag; this keeps that catch-up small.
 * A lock another process holds just skips a round.
 */
export class CommitIndexer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastError = '';

  constructor(
    private readonly store: CommitIndexStore,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = COMMIT_INDEX_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.drain(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Index every pending commit, a batch per event-loop turn; resolves when none is left (or a round was skipped). */
  async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.indexBatch() > 0) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      this.running = false;
    }
  }

  private indexBatch(): number {
    try {
      const n = this.store.indexPendingCommits();
      this.lastError = '';
      return n;
    } catch (err) {
      if (isDatabaseBusy(err)) return 0;
      // the same failure every second is one log line, not a flood
      const message = describeError(err);
      if (message !== this.lastError) this.logger.warn(`commit search: could not index new commits (search still finds the older ones): ${message}`);
      this.lastError = message;
      return 0;
    }
  }
}
