import type Database from 'better-sqlite3';
import { IntegralGitError } from '../errors';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { ReposTable } from './repos';
import {
  DEPLOYMENT_STATUSES,
  JOB_TRIGGERS,
  type DeployedCommit,
  type DeploymentHealth,
  type Deployment,
  type DeploymentListOptions,
  type DeploymentPatch,
  type DeploymentStatus,
  type NewDeployment,
  type Page,
} from './types';
import { checkEnum, checkLimit, checkName, parseCursor, parseJsonArray, toPage } from './sql-helpers';

const DEPLOYMENT_HEALTH: readonly DeploymentHealth[] = ['passed', 'failed', 'none'];

const COLUMNS =
  'id, repo, host, branch, status, commit_sha, previous_commit, trigger_kind, job_id, config_commit, queued_at, started_at, finished_at, ' +
  'duration_ms, exit_code, signal, error_code, error, skip_reason, steps, coalesced_job_ids, health, reverted_to, release_name';

interface DeploymentDbRow {
  id: number;
  repo: string;
  host: string;
  branch: string | null;
  status: string;
  commit_sha: string | null;
  previous_commit: string | null;
  trigger_kind: string;
  job_id: number | null;
  config_commit: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  signal: string | null;
  error_code: string | null;
  error: string | null;
  skip_reason: string | null;
  steps: string;
  coalesced_job_ids: string;
  health: string | null;
  reverted_to: string | null;
  release_name: string | null;
}

function toDeployment(r: DeploymentDbRow): Deployment {
  const d: Deployment = {
    id: r.id,
    repo: r.repo,
    host: r.host,
    branch: r.branch,
    status: r.status as DeploymentStatus,
    commit: r.commit_sha,
    previousCommit: r.previous_commit,
    trigger: r.trigger_kind as Deployment['trigger'],
    jobId: r.job_id,
    configCommit: r.config_commit,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    exitCode: r.exit_code,
    signal: r.signal,
    errorCode: r.error_code,
    error: r.error,
    skipReason: r.skip_reason,
    steps: parseJsonArray<string>(r.steps),
    coalescedJobIds: parseJsonArray<number>(r.coalesced_job_ids),
  };
  if (r.health !== null) d.health = r.health as DeploymentHealth;
  if (r.reverted_to !== null) d.revertedTo = r.reverted_to;
  if (r.release_name !== null) d.release = r.release_name;
  return d;
}

/** Patch field → column, and how its value is stored. */
const PATCH_COLUMNS: Record<keyof DeploymentPatch, { column: string; encode?: (v: unknown) => unknown }> = {
  branch: { column: 'branch' },
  status: { column: 'status', encode: (v) => checkEnum('deployment status', v, DEPLOYMENT_STATUSES) },
  commit: { column: 'commit_sha' },
  previousCommit: { column: 'previous_commit' },
  configCommit: { column: 'config_commit' },
  startedAt: { column: 'started_at' },
  finishedAt: { column: 'finished_at' },
  durationMs: { column: 'duration_ms' },
  exitCode: { column: 'exit_code' },
  signal: { column: 'signal' },
  errorCode: { column: 'error_code' },
  error: { column: 'error' },
  skipReason: { column: 'skip_reason' },
  steps: { column: 'steps', encode: (v) => JSON.stringify(v ?? []) },
  coalescedJobIds: { column: 'coalesced_job_ids', encode: (v) => JSON.stringify(v ?? []) },
  health: { column: 'health', encode: (v) => checkEnum('health', v, DEPLOYMENT_HEALTH) },
  revertedTo: { column: 'reverted_to' },
  release: { column: 'release_name' },
};

/** The keyset listing; each filter combination uses an index ending in id. */
export function listDeploymentsSql(filters: { status: boolean; branch: boolean }): string {
  const where = ['repo = ?'];
  if (filters.status) where.push('status = ?');
  if (filters.branch) where.push('branch = ?');
  where.push('id < ?');
  return `SELECT ${COLUMNS} FROM deployments WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
}

export const LAST_DEPLOYMENT_SQL = `SELECT ${COLUMNS} FROM deployments WHERE repo = ? AND host = ? ORDER BY id DESC LIMIT 1`;
export const DEPLOYED_COMMIT_SQL =
  "SELECT commit_sha, id, finished_at FROM deployments WHERE repo = ? AND host = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1";

export const DEPLOYMENTS_OF_COMMIT_SQL = `SELECT ${COLUMNS} FROM deployments WHERE repo = ? AND commit_sha = ? ORDER BY id DESC LIMIT ?`;
/** A range of deployments_repo_commit, the few rows found sorted (INDEXED BY: see SEARCH_COMMITS_SHA_SQL). */
export const SEARCH_DEPLOYMENTS_SHA_SQL = `SELECT ${COLUMNS} FROM deployments INDEXED BY deployments_repo_commit
  WHERE repo = ? AND commit_sha >= ? AND commit_sha < ? AND id < ? ORDER BY id DESC LIMIT ?`;

export class DeploymentsTable {
  private readonly sql: Statements<'insert' | 'byId' | 'last' | 'deployed' | 'countAll' | 'countStatus' | 'ofJob' | 'ofCommit' | 'byShaPrefix'>;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    this.sql = lazyStatements(ctx.db, 'deployments', {
      insert: (prepare) => prepare("INSERT INTO deployments (repo, host, trigger_kind, job_id, status, queued_at) VALUES (?, ?, ?, ?, 'queued', ?) RETURNING id").pluck(),
      byId: (prepare) => prepare(`SELECT ${COLUMNS} FROM deployments WHERE id = ?`),
      last: (prepare) => prepare(LAST_DEPLOYMENT_SQL),
      deployed: (prepare) => prepare(DEPLOYED_COMMIT_SQL),
      countAll: (prepare) => prepare('SELECT count(*) FROM deployments WHERE repo = ?').pluck(),
      countStatus: (prepare) => prepare('SELECT count(*) FROM deployments WHERE repo = ? AND status = ?').pluck(),
      ofJob: (prepare) => prepare(`SELECT ${COLUMNS} FROM deployments WHERE job_id = ? ORDER BY id`),
      ofCommit: (prepare) => prepare(DEPLOYMENTS_OF_COMMIT_SQL),
      byShaPrefix: (prepare) => prepare(SEARCH_DEPLOYMENTS_SHA_SQL),
    });
  }

  createDeployment(input: NewDeployment): number {
    const repo = checkName('repo', input.repo);
    const host = checkName('host', input.host);
    const trigger = checkEnum('trigger', input.trigger, JOB_TRIGGERS);
    const { repo: _r, host: _h, trigger: _t, jobId, queuedAt, ...patch } = input;
    return this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      const id = this.sql.insert.get(repo, host, trigger, jobId ?? null, queuedAt ?? this.ctx.now()) as number;
      if (Object.keys(patch).length > 0) this.updateDeployment(id, patch);
      return id;
    });
  }

  /** Set the given fields; `durationMs` follows from `finishedAt` and the stored `startedAt` unless given. */
  updateDeployment(id: number, patch: DeploymentPatch): void {
    const keys = (Object.keys(patch) as (keyof DeploymentPatch)[]).filter((k) => patch[k] !== undefined).sort();
    for (const k of keys) {
      if (!(k in PATCH_COLUMNS)) throw new IntegralGitError('IG_INTERNAL', `updateDeployment: unknown field "${String(k)}"`);
    }
    this.ctx.write(() => {
      const current = this.sql.byId.get(id) as DeploymentDbRow | undefined;
      if (!current) throw new IntegralGitError('IG_NOT_FOUND', `deployment ${id} does not exist`, { deploymentId: id });
      const values: Record<string, unknown> = {};
      for (const k of keys) values[k] = patch[k];
      if (values.finishedAt && values.durationMs === undefined) {
        const started = (values.startedAt as string | undefined) ?? current.started_at;
        const ms = started ? Date.parse(values.finishedAt as string) - Date.parse(started) : NaN;
        if (Number.isFinite(ms)) values.durationMs = Math.max(0, ms);
      }
      const fields = Object.keys(values).sort() as (keyof DeploymentPatch)[];
      if (fields.length === 0) return;
      const stmt = this.statement(`update:${fields.join(',')}`, () =>
        `UPDATE deployments SET ${fields.map((f) => `${PATCH_COLUMNS[f].column} = ?`).join(', ')} WHERE id = ?`,
      );
      stmt.run(...fields.map((f) => (PATCH_COLUMNS[f].encode ? PATCH_COLUMNS[f].encode(values[f]) : values[f])), id);
    });
  }

  getDeployment(id: number): Deployment | undefined {
    const row = this.sql.byId.get(id) as DeploymentDbRow | undefined;
    return row && toDeployment(row);
  }

  listDeployments(repo: string, opts: DeploymentListOptions): Page<Deployment> {
    const limit = checkLimit(opts.limit);
    const before = parseCursor(opts.before);
    const filters = { status: opts.status !== undefined, branch: opts.branch !== undefined };
    const params: unknown[] = [repo];
    if (opts.status !== undefined) params.push(checkEnum('deployment status', opts.status, DEPLOYMENT_STATUSES));
    if (opts.branch !== undefined) params.push(opts.branch);
    params.push(before, limit + 1);
    const stmt = this.statement(`list:${filters.status}:${filters.branch}`, () => listDeploymentsSql(filters));
    return toPage(stmt.all(...params) as DeploymentDbRow[], limit, toDeployment);
  }

  lastDeployment(repo: string, host: string): Deployment | undefined {
    const row = this.sql.last.get(repo, host) as DeploymentDbRow | undefined;
    return row && toDeployment(row);
  }

  /** The commit of the last succeeded deployment: what the working copy holds. */
  deployedCommit(repo: string, host: string): DeployedCommit | undefined {
    const row = this.sql.deployed.get(repo, host) as { commit_sha: string | null; id: number; finished_at: string | null } | undefined;
    if (!row || row.commit_sha === null) return undefined;
    return { commit: row.commit_sha, deploymentId: row.id, finishedAt: row.finished_at };
  }

  countDeployments(repo: string, status?: DeploymentStatus): number {
    return (status === undefined ? this.sql.countAll.get(repo) : this.sql.countStatus.get(repo, checkEnum('deployment status', status, DEPLOYMENT_STATUSES))) as number;
  }

  /** The newest `limit` deployments of one commit. */
  deploymentsOfCommit(repo: string, sha: string, limit: number): Deployment[] {
    return (this.sql.ofCommit.all(repo, sha, checkLimit(limit)) as DeploymentDbRow[]).map(toDeployment);
  }

  /** Deployments whose commit starts with `prefix` (lower-case hex), newest first, keyset on the id. */
  searchDeploymentsBySha(repo: string, prefix: string, opts: { limit: number; before?: string }): Page<Deployment> {
    const limit = checkLimit(opts.limit);
    const rows = this.sql.byShaPrefix.all(repo, prefix, prefix + '~', parseCursor(opts.before), limit + 1) as DeploymentDbRow[];
    return toPage(rows, limit, toDeployment);
  }

  deploymentsOfJob(jobId: number): Deployment[] {
    return (this.sql.ofJob.all(jobId) as DeploymentDbRow[]).map(toDeployment);
  }

  private statement(key: string, sql: () => string): Database.Statement {
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.ctx.db.prepare(sql());
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}
