import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import type { JobTrigger } from './types';

export type FinishedStatus = 'succeeded' | 'failed' | 'skipped';

/** One finished deployment, as the charts need it. */
export interface DeploymentOutcome {
  id: number;
  status: FinishedStatus;
  durationMs: number | null;
  finishedAt: string | null;
  commit: string | null;
  trigger: JobTrigger;
}

/** [status, durationMs, finishedAt] of one finished deployment: the figures of a time window. */
export type OutcomeSample = [FinishedStatus, number | null, string];

const FINISHED = "status IN ('succeeded', 'failed', 'skipped')";

/** Keyset on deployments_repo_host (repo, host, id): the newest N, however many are stored. */
export const RECENT_OUTCOMES_SQL =
  `SELECT id, status, duration_ms, finished_at, commit_sha, trigger_kind FROM deployments INDEXED BY deployments_repo_host
   WHERE repo = ? AND host = ? AND ${FINISHED} ORDER BY id DESC LIMIT ?`;
/** A range of the covering index deployments_repo_host_finished: the table itself is not read. */
export const OUTCOMES_SINCE_SQL =
  `SELECT status, duration_ms, finished_at FROM deployments INDEXED BY deployments_repo_host_finished
   WHERE repo = ? AND host = ? AND finished_at >= ? AND ${FINISHED}`;

/** Read-only aggregates over finished deployments, for the history charts. */
export class DeploymentOutcomesTable {
  private readonly recentStmt: Database.Statement;
  private readonly sinceStmt: Database.Statement;

  constructor(ctx: StoreContext) {
    this.recentStmt = ctx.db.prepare(RECENT_OUTCOMES_SQL);
    this.sinceStmt = ctx.db.prepare(OUTCOMES_SINCE_SQL).raw();
  }

  /** The last `limit` finished deployments of `repo` on `host`, newest first. */
  recentOutcomes(repo: string, host: string, limit: number): DeploymentOutcome[] {
    const rows = this.recentStmt.all(repo, host, limit) as Array<{
      id: number;
      status: FinishedStatus;
      duration_ms: number | null;
      finished_at: string | null;
      commit_sha: string | null;
      trigger_kind: JobTrigger;
    }>;
    return rows.map((r) => ({ id: r.id, status: r.status, durationMs: r.duration_ms, finishedAt: r.finished_at, commit: r.commit_sha, trigger: r.trigger_kind }));
  }

  /** Status and duration of every deployment of `repo` on `host` finished at or after `sinceIso`. */
  outcomesSince(repo: string, host: string, sinceIso: string): OutcomeSample[] {
    return this.sinceStmt.all(repo, host, sinceIso) as OutcomeSample[];
  }
}
