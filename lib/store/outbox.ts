import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
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
  private readonly sql: Statements<'insert' | 'due' | 'claim' | 'byId' | 'byDeployment' | 'attemptsOf' | 'addAttempt' | 'markSent' | 'markRetry' | 'markFailed' | 'count' | 'countByStatus'>;

  constructor(private readonly ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'outbox', {
      insert: (prepare) => prepare(
        `INSERT INTO outbox (kind, target, event, payload, deployment_id, repo, status, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      ),
      // the oldest pending message of each lane, when it is due: a lane keeps its order
      due: (prepare) => prepare(
        `SELECT ${COLUMNS} FROM outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?
           AND o.id = (SELECT MIN(id) FROM outbox l WHERE l.status = 'pending' AND l.target = o.target)
         ORDER BY o.id LIMIT ?`,
      ),
      claim: (prepare) => prepare(
        `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?`,
      ),
      byId: (prepare) => prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`),
      byDeployment: (prepare) => prepare(`SELECT ${COLUMNS} FROM outbox WHERE deployment_id = ? ORDER BY id`),
      attemptsOf: (prepare) => prepare('SELECT attempt, started_at, duration_ms, ok, error FROM outbox_attempts WHERE outbox_id = ? ORDER BY attempt'),
      addAttempt: (prepare) => prepare('INSERT OR REPLACE INTO outbox_attempts (outbox_id, attempt, started_at, duration_ms, ok, error) VALUES (?, ?, ?, ?, ?, ?)'),
      markSent: (prepare) => prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`),
      markRetry: (prepare) => prepare(`UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?`),
      markFailed: (prepare) => prepare(`UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`),
      count: (prepare) => prepare('SELECT COUNT(*) FROM outbox').pluck(),
      countByStatus: (prepare) => prepare('SELECT COUNT(*) FROM outbox WHERE status = ?').pluck(),
    });
  }

  enqueue(inputs: OutboxMessageInput[]): number[] {
    if (inputs.length === 0) return [];
    return this.ctx.write(() => {
      const now = this.ctx.now();
      return inputs.map((m) => {
        const payload = JSON.stringify(m.payload ?? null);
        const info = this.sql.insert.run(checkName('outbox kind', m.kind), checkName('outbox target', m.target), m.event ?? null, payload, m.deploymentId ?? null, m.repo ?? null, now, now);
        return Number(info.lastInsertRowid);
      });
    });
  }

  /** Messages a dispatcher may attempt now: the head of each lane, when due. */
  dueMessages(now: string, limit: number): OutboxMessage[] {
    return (this.sql.due.all(now, limit) as OutboxDbRow[]).map(toMessage);
  }

  /** Take the attempt: true when this caller got it (no other process holds a lease on it). */
  claimAttempt(id: number, now: string, leaseUntil: string): OutboxMessage | undefined {
    return this.ctx.write(() => {
      if (this.sql.claim.run(leaseUntil, id, now).changes === 0) return undefined;
      return toMessage(this.sql.byId.get(id) as OutboxDbRow);
    });
  }

  recordAttempt(id: number, attempt: Omit<OutboxAttempt, 'ok' | 'error'>, result: OutboxAttemptResult): void {
    this.ctx.write(() => {
      const ok = result.outcome === 'sent';
      this.sql.addAttempt.run(id, attempt.attempt, attempt.startedAt, attempt.durationMs, ok ? 1 : 0, ok ? null : result.error);
      if (result.outcome === 'sent') this.sql.markSent.run(this.ctx.now(), id);
      else if (result.outcome === 'retry') this.sql.markRetry.run(result.nextAttemptAt, result.error, id);
      else this.sql.markFailed.run(result.error, id);
    });
  }

  get(id: number): OutboxMessage | undefined {
    const row = this.sql.byId.get(id) as OutboxDbRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  ofDeployment(deploymentId: number): OutboxMessage[] {
    return (this.sql.byDeployment.all(deploymentId) as OutboxDbRow[]).map(toMessage);
  }

  attempts(id: number): OutboxAttempt[] {
    return (this.sql.attemptsOf.all(id) as Array<{ attempt: number; started_at: string; duration_ms: number; ok: number; error: string | null }>).map((r) => ({
      attempt: r.attempt,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      ok: r.ok === 1,
      error: r.error,
    }));
  }

  countMessages(status?: OutboxStatus): number {
    return (status ? this.sql.countByStatus.get(status) : this.sql.count.get()) as number;
  }
}
