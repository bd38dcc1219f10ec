import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
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

/** Counts and the median duration of the deployments finished since a time. */
export interface OutcomeCounts {
  succeeded: number;
  failed: number;
  skipped: number;
  /** median duration of the succeeded and failed ones with a duration; null when none */
  medianMs: number | null;
}

const FINISHED = "status IN ('succeeded', 'failed', 'skipped')";
const RAN = "status IN ('succeeded', 'failed') AND duration_ms IS NOT NULL";

/** Keyset on deployments_repo_host (repo, host, id): the newest N, however many are stored. */
export const RECENT_OUTCOMES_SQL = `SELECT id, status, duration_ms, finished_at, commit_sha, trigger_kind FROM deployments INDEXED BY deployments_repo_host
   WHERE repo = ? AND host = ? AND ${FINISHED} ORDER BY id DESC LIMIT ?`;
/**
 * One pass over a range of the covering index deployments_repo_host_finished (the table
 * itself is not read), counting in SQLite: no row reaches JavaScript.
 */
export const OUTCOME_COUNTS_SQL = `SELECT count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed'),
   count(*) FILTER (WHERE status = 'skipped'), count(*) FILTER (WHERE ${RAN})
   FROM deployments INDEXED BY deployments_repo_host_finished WHERE repo = ? AND host = ? AND finished_at >= ?`;
/** The middle one or two durations of the same range (SQLite sorts the durations only). */
export const MEDIAN_DURATION_SQL = `SELECT duration_ms FROM deployments INDEXED BY deployments_repo_host_finished
   WHERE repo = ? AND host = ? AND finished_at >= ? AND ${RAN} ORDER BY duration_ms LIMIT ? OFFSET ?`;

/** Read-only aggregates over finished deployments, for the history charts. */
export class DeploymentOutcomesTable {
  private readonly sql: Statements<'recentStmt' | 'countsStmt' | 'medianStmt'>;

  constructor(ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'deployment_outcomes', {
      recentStmt: (prepare) => prepare(RECENT_OUTCOMES_SQL),
      countsStmt: (prepare) => prepare(OUTCOME_COUNTS_SQL).raw(),
      medianStmt: (prepare) => prepare(MEDIAN_DURATION_SQL).pluck(),
    });
  }

  /** The last `limit` finished deployments of `repo` on `host`, newest first. */
  recentOutcomes(repo: string, host: string, limit: number): DeploymentOutcome[] {
    const rows = this.sql.recentStmt.all(repo, host, limit) as Array<{
      id: number;
      status: FinishedStatus;
      duration_ms: number | null;
      finished_at: string | null;
      commit_sha: string | null;
      trigger_kind: JobTrigger;
    }>;
    return rows.map((r) => ({ id: r.id, status: r.status, durationMs: r.duration_ms, finishedAt: r.finished_at, commit: r.commit_sha, trigger: r.trigger_kind }));
  }

  /** Counts and median duration of the deployments of `repo` on `host` finished at or after `sinceIso`. */
  outcomeCounts(repo: string, host: string, sinceIso: string): OutcomeCounts {
    const [succeeded, failed, skipped, ran] = this.sql.countsStmt.get(repo, host, sinceIso) as number[];
    let medianMs: number | null = null;
    if (ran > 0) {
      const middle = this.sql.medianStmt.all(repo, host, sinceIso, ran % 2 === 1 ? 1 : 2, (ran - 1) >> 1) as number[];
      medianMs = middle.length === 1 ? middle[0] : (middle[0] + middle[1]) / 2;
    }
    return { succeeded, failed, skipped, medianMs };
  }
}
