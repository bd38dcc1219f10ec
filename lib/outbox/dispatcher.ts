import type { Logger } from '../log/logger';
import { describeError } from '../errors';
import type { OutboxAttemptResult, OutboxMessage, OutboxStore } from '../store';

export type { OutboxStore } from '../store';
import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from './backoff';
import { isDatabaseBusy, retryWhileBusy } from '../store/busy-retry';

/** How long an attempt's record waits for a foreign write lock: the 30 s the lease outlasts the attempt. */
const RECORD_WAIT_MS = 30_000;

/**
 * Delivers one message; resolves when the target accepted it, throws (or rejects) when not.
 * It must honour `signal`: the attempt's timeout aborts it. Throw `OutboxPermanentError`
 * for an answer that retrying cannot change (e.g. 404 on a status API): no more attempts.
 */
export type OutboxSender = (message: OutboxMessage, signal: AbortSignal) => Promise<void>;

export class OutboxPermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboxPermanentError';
  }
}


export interface DispatcherOptions {
  /** how often pending rows are looked for (rows written by other processes, retries that came due) */
  pollMs?: number;
  /** one attempt is aborted after this */
  attemptTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** most attempts in flight at once, over all lanes */
  maxInFlight?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Sends the outbox's messages (SPEC §9). One lane per target: a lane has at most one
 * attempt in flight and keeps its order; lanes never wait on each other, so a slow or
 * hanging target delays only its own messages. Every attempt is bounded by a timeout
 * (AbortSignal), recorded, and followed by back-off with jitter up to 24 h, then `failed`.
 * Nothing lives only in memory: `start()` picks up what a previous process left pending,
 * and a claim is a lease in the database, so a server and a CLI process can share rows.
 * Deployments never call it: they write rows (outboxWriter) and `kick()` it.
 */
export class OutboxDispatcher {
  private readonly senders = new Map<string, OutboxSender>();
  private readonly busyLanes = new Set<string>();
  private readonly inFlight = new Map<number, { promise: Promise<void>; abort: AbortController }>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private scheduled = false;
  private readonly pollMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly maxInFlight: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly logger: Logger,
    opts: DispatcherOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 2_000;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 15_000;
    this.retry = { ...DEFAULT_RETRY, ...(opts.retry ?? {}) };
    this.maxInFlight = opts.maxInFlight ?? 32;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** The sender of one kind of message. Rows of kinds with no sender here are left to a process that has one. */
  register(kind: string, sender: OutboxSender): this {
    this.senders.set(kind, sender);
    return this;
  }

  /** Look for work now and every `pollMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Look for due messages soon (after an enqueue); cheap to call often. */
  kick(): void {
    if (!this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatchDue();
    });
  }

  /** Attempts in flight right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Deliver what is due until nothing is in flight or due, or `timeoutMs` passed (the CLI,
   * before it exits). Messages backing off stay pending for a running server.
   */
  async flush(timeoutMs: number): Promise<void> {
    const wasRunning = this.running;
    this.running = true;
    const deadline = this.now() + timeoutMs;
    try {
      for (;;) {
        this.dispatchDue();
        if (this.inFlight.size === 0) return;
        const left = deadline - this.now();
        if (left <= 0) return;
        await Promise.race([Promise.race([...this.inFlight.values()].map((f) => f.promise)), sleep(Math.min(left, 250))]);
      }
    } finally {
      this.running = wasRunning;
    }
  }

  /** Stop looking for work; attempts in flight are aborted (their rows are retried after the lease). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    for (const f of this.inFlight.values()) f.abort.abort(new Error('the dispatcher stopped'));
    await Promise.all([...this.inFlight.values()].map((f) => f.promise));
  }

  private dispatchDue(): void {
    if (this.senders.size === 0 || this.inFlight.size >= this.maxInFlight) return;
    let due: OutboxMessage[];
    const now = this.now();
    try {
      due = this.store.dueOutbox(iso(now), this.maxInFlight * 2);
    } catch (err) {
      this.logger.warn(`outbox: could not read pending messages: ${describeError(err)}`);
      return;
    }
    for (const m of due) {
      if (this.inFlight.size >= this.maxInFlight) break;
      if (this.busyLanes.has(m.target) || !this.senders.has(m.kind)) continue;
      // the lease outlasts the attempt: another process sees it as not due until then
      let claimed: OutboxMessage | undefined;
      try {
        claimed = this.store.claimOutbox(m.id, iso(now), iso(now + this.attemptTimeoutMs + 30_000));
      } catch (err) {
        // another process holds the write lock (or the disk refuses): the next poll tries again
        if (!isDatabaseBusy(err)) this.logger.warn(`outbox: could not claim message ${m.id}: ${describeError(err)}`);
        return;
      }
      if (!claimed) continue;
      this.busyLanes.add(m.target);
      const abort = new AbortController();
      const promise = this.attempt(claimed, abort).finally(() => {
        this.inFlight.delete(m.id);
        this.busyLanes.delete(m.target);
        this.kick();
      });
      this.inFlight.set(m.id, { promise, abort });
    }
  }

  private async attempt(m: OutboxMessage, stop: AbortController): Promise<void> {
    const sender = this.senders.get(m.kind)!;
    const started = this.now();
    // stop() and the timeout both abort the one signal the sender sees
    const timer = setTimeout(() => stop.abort(new Error(`no answer within ${this.attemptTimeoutMs / 1000}s`)), this.attemptTimeoutMs);
    const signal = stop.signal;
    let result: OutboxAttemptResult;
    try {
      await abortable(sender(m, signal), signal);
      result = { outcome: 'sent' };
    } catch (err) {
      const error = signal.aborted ? describeError(signal.reason) : describeError(err);
      const next = err instanceof OutboxPermanentError ? null : nextAttemptAt(this.retry, m.attempts, Date.parse(m.createdAt), this.now(), this.random);
      result = next === null ? { outcome: 'failed', error } : { outcome: 'retry', nextAttemptAt: iso(next), error };
      const what = `outbox: ${m.kind} to ${m.target} (message ${m.id}, attempt ${m.attempts})`;
      if (next === null) this.logger.error(`${what} failed for good: ${error}`);
      else this.logger.warn(`${what} failed: ${error}; next attempt at ${iso(next)}`);
    } finally {
      clearTimeout(timer);
    }
    try {
      // waited out under a foreign write lock while the lease holds: unrecorded, a sent message would be sent again
      const attempt = { attempt: m.attempts, startedAt: iso(started), durationMs: this.now() - started };
      await retryWhileBusy(() => this.store.recordOutboxAttempt(m.id, attempt, result), { maxWaitMs: RECORD_WAIT_MS, what: `recording attempt ${m.attempts} of outbox message ${m.id}` });
    } catch (err) {
      this.logger.error(`outbox: could not record attempt ${m.attempts} of message ${m.id}: ${describeError(err)}`);
    }
  }
}

/** A sender that ignores its signal still cannot hold its lane past the timeout. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
