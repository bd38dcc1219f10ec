import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import { checkName } from './sql-helpers';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxMessageInput {
  /** which sender delivers it, e.g. `webhook`, `slack`, `commit-status`, `fleet` */
  kind: string;
  /** the delivery lane: one target's messages go one at a time, in order (e.g. the URL or `github:acme/app`) */
  target: string;
  /** what it announces (`started`, `failed`, `recovered`, …): shown in `notifications: [...]` */
  event?: string | null;
  /** anything JSON: what the sender needs to build its request */
  payload: unknown;
  deploymentId?: number | null;
  repo?: string | null;
}

export interface OutboxMessage {
  id: number;
  kind: string;
  target: string;
  event: string | null;
  payload: unknown;
  deploymentId: number | null;
  repo: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  error: string | null;
}

/** What one attempt led to: delivered, try again at a time, or given up. */
export type OutboxAttemptResult =
  | { outcome: 'sent' }
  | { outcome: 'retry'; nextAttemptAt: string; error: string }
  | { outcome: 'failed'; error: string };

interface OutboxDbRow {
  id: number;
  kind: string;
  target: string;
  event: string | null;
  payload: string;
  deployment_id: number | null;
  repo: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

const COLUMNS = 'id, kind, target, event, payload, deployment_id, repo, status, attempts, next_attempt_at, last_error, created_at, sent_at';

function toMessage(r: OutboxDbRow): OutboxMessage {
  return {
    id: r.id,
    kind: r.kind,
    target: r.target,
    event: r.event,
    payload: JSON.parse(r.payload) as unknown,
    deploymentId: r.deployment_id,
    repo: r.repo,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/**
 * Outgoing messages (migration 003). Rows are written by event subscribers and claimed by
 * a dispatcher (lib/outbox) in any process sharing the database: a claim is a lease (the
 * row's next attempt moved past the attempt's timeout), so two processes never send the
 * same message at once, and a process that dies mid-attempt only delays it.
 */
export class OutboxTable {
  private readonly insert: Database.Statement;
  private readonly due: Database.Statement;
  private readonly claim: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly byDeployment: Database.Statement;
  private readonly attemptsOf: Database.Statement;
  private readonly addAttempt: Database.Statement;
  private readonly markSent: Database.Statement;
  private readonly markRetry: Database.Statement;
  private readonly markFailed: Database.Statement;
  private readonly count: Database.Statement;
  private readonly countByStatus: Database.Statement;

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db;
    this.insert = db.prepare(
      `INSERT INTO outbox (kind, target, event, payload, deployment_id, repo, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    );
    // the oldest pending message of each lane, when it is due: a lane keeps its order
    this.due = db.prepare(
      `SELECT ${COLUMNS} FROM outbox o
       WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND o.id = (SELECT MIN(id) FROM outbox l WHERE l.status = 'pending' AND l.target = o.target)
       ORDER BY o.id LIMIT ?`,
    );
    this.claim = db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
    this.byDeployment = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE deployment_id = ? ORDER BY id`);
    this.attemptsOf = db.prepare('SELECT attempt, started_at, duration_ms, ok, error FROM outbox_attempts WHERE outbox_id = ? ORDER BY attempt');
    this.addAttempt = db.prepare('INSERT OR REPLACE INTO outbox_attempts (outbox_id, attempt, started_at, duration_ms, ok, error) VALUES (?, ?, ?, ?, ?, ?)');
    this.markSent = db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`);
    this.markRetry = db.prepare(`UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?`);
    this.markFailed = db.prepare(`UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`);
    this.count = db.prepare('SELECT COUNT(*) FROM outbox').pluck();
    this.countByStatus = db.prepare('SELECT COUNT(*) FROM outbox WHERE status = ?').pluck();
  }

  enqueue(inputs: OutboxMessageInput[]): number[] {
    if (inputs.length === 0) return [];
    return this.ctx.write(() => {
      const now = this.ctx.now();
      return inputs.map((m) => {
        const payload = JSON.stringify(m.payload ?? null);
        const info = this.insert.run(checkName('outbox kind', m.kind), checkName('outbox target', m.target), m.event ?? null, payload, m.deploymentId ?? null, m.repo ?? null, now, now);
        return Number(info.lastInsertRowid);
      });
    });
  }

  /** Messages a dispatcher may attempt now: the head of each lane, when due. */
  dueMessages(now: string, limit: number): OutboxMessage[] {
    return (this.due.all(now, limit) as OutboxDbRow[]).map(toMessage);
  }

  /** Take the attempt: true when this caller got it (no other process holds a lease on it). */
  claimAttempt(id: number, now: string, leaseUntil: string): OutboxMessage | undefined {
    return this.ctx.write(() => {
      if (this.claim.run(leaseUntil, id, now).changes === 0) return undefined;
      return toMessage(this.byId.get(id) as OutboxDbRow);
    });
  }

  recordAttempt(id: number, attempt: Omit<OutboxAttempt, 'ok' | 'error'>, result: OutboxAttemptResult): void {
    this.ctx.write(() => {
      const ok = result.outcome === 'sent';
      this.addAttempt.run(id, attempt.attempt, attempt.startedAt, attempt.durationMs, ok ? 1 : 0, ok ? null : result.error);
      if (result.outcome === 'sent') this.markSent.run(this.ctx.now(), id);
      else if (result.outcome === 'retry') this.markRetry.run(result.nextAttemptAt, result.error, id);
      else this.markFailed.run(result.error, id);
    });
  }

  get(id: number): OutboxMessage | undefined {
    const row = this.byId.get(id) as OutboxDbRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  ofDeployment(deploymentId: number): OutboxMessage[] {
    return (this.byDeployment.all(deploymentId) as OutboxDbRow[]).map(toMessage);
  }

  attempts(id: number): OutboxAttempt[] {
    return (this.attemptsOf.all(id) as Array<{ attempt: number; started_at: string; duration_ms: number; ok: number; error: string | null }>).map((r) => ({
      attempt: r.attempt,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      ok: r.ok === 1,
      error: r.error,
    }));
  }

  countMessages(status?: OutboxStatus): number {
    return (status ? this.countByStatus.get(status) : this.count.get()) as number;
  }
}
