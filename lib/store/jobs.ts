import { IntegralGitError } from '../errors';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { ReposTable } from './repos';
import { JOB_STATES, JOB_TRIGGERS, type ClaimedJob, type Job, type JobInput, type JobState } from './types';
import { checkEnum, checkName } from './sql-helpers';

const COLUMNS =
  'id, repo, branch, trigger_kind, event_id, target_commit, state, attempts, coalesced_into, created_at, started_at, finished_at, deployment_id, host';

/** Recovery at start: the jobs this host (or no host) was running, found by jobs_state_repo (`state = 'running'`: a few rows). */
export const RUNNING_JOBS_OF_HOST_SQL = `SELECT ${COLUMNS} FROM jobs WHERE state = 'running' AND (host = ? OR host IS NULL) ORDER BY id`;

interface JobDbRow {
  id: number;
  repo: string;
  branch: string | null;
  trigger_kind: string;
  event_id: number | null;
  target_commit: string | null;
  state: string;
  attempts: number;
  coalesced_into: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  deployment_id: number | null;
  host: string | null;
}

function toJob(r: JobDbRow): Job {
  return {
    id: r.id,
    repo: r.repo,
    branch: r.branch,
    trigger: r.trigger_kind as Job['trigger'],
    eventId: r.event_id,
    targetCommit: r.target_commit,
    state: r.state as JobState,
    attempts: r.attempts,
    coalescedInto: r.coalesced_into,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    deploymentId: r.deployment_id,
    host: r.host,
  };
}

/**
 * The durable deployment queue. One worker per repo claims jobs one at a time; jobs for
 * the same repo and branch that wait together become one run of the newest.
 */
export class JobsTable {
  private readonly sql: Statements<'insert' | 'byId' | 'oldestQueued' | 'nextTargetedAfter' | 'newestOfBranch' | 'start' | 'coalesceGroup' | 'repointGroup' | 'newestHead' | 'truncatedEvents' | 'finish' | 'finishCoalesced' | 'attach' | 'running' | 'runningOfHost' | 'requeue' | 'giveUp' | 'depthAll' | 'depthRepo' | 'queuedRepos' | 'ofRepo' | 'ofEvent'>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    // The group a claim folds: the queued head jobs of one branch from the oldest up to the
    // next targeted job. Each statement below handles the whole group at once: a burst of
    // pushes queues thousands of jobs behind a running deployment, and reading and updating
    // them one by one was most of a claim's time.
    const group = "state = 'queued' AND repo = @repo AND id >= @oldest AND id < @barrier AND branch IS @branch AND target_commit IS NULL";
    // the jobs of this claim: jobs folded by an earlier claim of a retried job are older
    // than every job queued now, so `id >= oldest` leaves them out
    const claimed = '(j.id = @kept OR j.coalesced_into = @kept) AND j.id >= @oldest';
    this.sql = lazyStatements(ctx.db, 'jobs', {
      insert: (prepare) => prepare(
        `INSERT INTO jobs (repo, branch, trigger_kind, event_id, target_commit, state, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', 0, ?) RETURNING id`,
      ).pluck(),
      byId: (prepare) => prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`),
      oldestQueued: (prepare) => prepare(`SELECT ${COLUMNS} FROM jobs WHERE state = 'queued' AND repo = ? ORDER BY id LIMIT 1`),
      nextTargetedAfter: (prepare) => prepare("SELECT id FROM jobs WHERE state = 'queued' AND repo = ? AND id > ? AND target_commit IS NOT NULL ORDER BY id LIMIT 1").pluck(),
      newestOfBranch: (prepare) => prepare(`SELECT max(id) FROM jobs WHERE ${group}`).pluck(),
      start: (prepare) => prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL, host = ? WHERE id = ?"),
      coalesceGroup: (prepare) => prepare(`UPDATE jobs SET state = 'coalesced', coalesced_into = @kept, finished_at = @at WHERE ${group.replace('id < @barrier', 'id < @kept')} RETURNING id`).pluck(),
      // a retried job may already have jobs folded into it: keep the chain one level deep
      repointGroup: (prepare) => prepare(
        "UPDATE jobs SET coalesced_into = @kept WHERE coalesced_into IN (SELECT id FROM jobs WHERE coalesced_into = @kept AND state = 'coalesced' AND id >= @oldest)",
      ),
      newestHead: (prepare) => prepare(
        `SELECT e.after_sha FROM jobs j JOIN push_events e ON e.id = j.event_id
         WHERE ${claimed} AND e.after_sha IS NOT NULL AND ltrim(e.after_sha, '0') <> '' ORDER BY j.id DESC LIMIT 1`,
      ).pluck(),
      truncatedEvents: (prepare) => prepare(`SELECT DISTINCT j.event_id FROM jobs j JOIN push_events e ON e.id = j.event_id WHERE ${claimed} AND e.commits_truncated = 1 ORDER BY j.event_id`).pluck(),
      finish: (prepare) => prepare("UPDATE jobs SET state = 'done', finished_at = ?, deployment_id = ? WHERE id = ?"),
      finishCoalesced: (prepare) => prepare("UPDATE jobs SET deployment_id = ? WHERE coalesced_into = ? AND state = 'coalesced'"),
      attach: (prepare) => prepare('UPDATE jobs SET deployment_id = ? WHERE id = ?'),
      running: (prepare) => prepare(`SELECT ${COLUMNS} FROM jobs WHERE state = 'running' ORDER BY id`),
      // NULL: a job claimed before jobs had a host (or by a caller that named none): every host's
      runningOfHost: (prepare) => prepare(RUNNING_JOBS_OF_HOST_SQL),
      requeue: (prepare) => prepare("UPDATE jobs SET state = 'queued', started_at = NULL WHERE id = ?"),
      giveUp: (prepare) => prepare("UPDATE jobs SET state = 'done', finished_at = ?, deployment_id = coalesce(?, deployment_id) WHERE id = ?"),
      depthAll: (prepare) => prepare("SELECT count(*) FROM jobs WHERE state = 'queued'").pluck(),
      depthRepo: (prepare) => prepare("SELECT count(*) FROM jobs WHERE state = 'queued' AND repo = ?").pluck(),
      queuedRepos: (prepare) => prepare("SELECT DISTINCT repo FROM jobs WHERE state = 'queued' ORDER BY repo").pluck(),
      ofRepo: (prepare) => prepare(`SELECT ${COLUMNS} FROM jobs WHERE repo = ? ORDER BY id DESC LIMIT ?`),
      ofEvent: (prepare) => prepare(`SELECT ${COLUMNS} FROM jobs WHERE event_id = ? ORDER BY id`),
    });
  }

  enqueueJob(input: JobInput): number {
    const repo = checkName('repo', input.repo);
    const trigger = checkEnum('trigger', input.trigger, JOB_TRIGGERS);
    return this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      return this.sql.insert.get(repo, input.branch ?? null, trigger, input.eventId ?? null, input.targetCommit ?? null, this.ctx.now()) as number;
    });
  }

  getJob(id: number): Job | undefined {
    const row = this.sql.byId.get(id) as JobDbRow | undefined;
    return row && toJob(row);
  }

  /**
   * Take the repo's oldest queued job. A branch-head job (no target commit) is folded together
   * with the later queued head jobs of the same branch: the newest of them runs, the others
   * become `coalesced` into it. Folding never jumps over a queued targeted job (a rollback),
   * so a push queued after a rollback still runs after it. A targeted job runs alone.
   * `host` (settings' hostname) is recorded on the job: recovery at start only takes back
   * its own host's jobs when several hosts share the store.
   */
  claimNextJob(repo: string, host: string | null = null): ClaimedJob | undefined {
    return this.ctx.write(() => {
      const oldest = this.sql.oldestQueued.get(repo) as JobDbRow | undefined;
      if (!oldest) return undefined;
      const at = this.ctx.now();
      let kept = oldest.id;
      let coalescedJobIds: number[] = [];
      if (oldest.target_commit === null) {
        const barrier = (this.sql.nextTargetedAfter.get(repo, oldest.id) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
        const group = { repo, oldest: oldest.id, barrier, branch: oldest.branch };
        kept = this.sql.newestOfBranch.get(group) as number;
        if (kept !== oldest.id) {
          coalescedJobIds = (this.sql.coalesceGroup.all({ ...group, kept, at }) as number[]).sort((a, b) => a - b);
          this.sql.repointGroup.run({ kept, oldest: oldest.id });
        }
      }
      this.sql.start.run(at, host, kept);
      const ofClaim = { kept, oldest: oldest.id };
      return {
        ...toJob(this.sql.byId.get(kept) as JobDbRow),
        coalescedJobIds,
        pushedHead: (this.sql.newestHead.get(ofClaim) as string | undefined) ?? null,
        truncatedEventIds: this.sql.truncatedEvents.all(ofClaim) as number[],
      };
    });
  }

  /** The job ran (its deployment may be null when none was created); jobs folded into it point at the same deployment. */
  finishJob(id: number, deploymentId: number | null): void {
    this.ctx.write(() => {
      const info = this.sql.finish.run(this.ctx.now(), deploymentId, id);
      if (info.changes === 0) throw new IntegralGitError('IG_NOT_FOUND', `job ${id} does not exist`, { jobId: id });
      if (deploymentId !== null) this.sql.finishCoalesced.run(deploymentId, id);
    });
  }

  /** Link the running job to the deployment it created, before the deployment ends (pages show it live). */
  attachDeployment(jobId: number, deploymentId: number): void {
    this.ctx.write(() => {
      if (this.sql.attach.run(deploymentId, jobId).changes === 0) throw new IntegralGitError('IG_NOT_FOUND', `job ${jobId} does not exist`, { jobId });
    });
  }

  /**
   * Jobs left `running` by a stopped server, oldest first (call inside the recovery
   * transaction): those of `host` and those with no host; every one when `host` is undefined.
   */
  runningJobs(host?: string): Job[] {
    const rows = host === undefined ? this.sql.running.all() : this.sql.runningOfHost.all(host);
    return (rows as JobDbRow[]).map(toJob);
  }

  requeueJob(id: number): void {
    this.sql.requeue.run(id);
  }

  abandonJob(id: number, deploymentId: number | null): void {
    this.sql.giveUp.run(this.ctx.now(), deploymentId, id);
  }

  queueDepth(repo?: string): number {
    return (repo === undefined ? this.sql.depthAll.get() : this.sql.depthRepo.get(repo)) as number;
  }

  reposWithQueuedJobs(): string[] {
    return this.sql.queuedRepos.all() as string[];
  }

  /** Newest first; `states` filters (e.g. ['queued', 'running'] for the queue panel). */
  listJobs(repo: string, states?: JobState[], limit = 200): Job[] {
    if (states === undefined) return (this.sql.ofRepo.all(repo, limit) as JobDbRow[]).map(toJob);
    const wanted = states.map((s) => checkEnum('job state', s, JOB_STATES));
    if (wanted.length === 0) return [];
    const sql = `SELECT ${COLUMNS} FROM jobs WHERE state IN (${wanted.map(() => '?').join(', ')}) AND repo = ? ORDER BY id DESC LIMIT ?`;
    return (this.ctx.db.prepare(sql).all(...wanted, repo, limit) as JobDbRow[]).map(toJob);
  }

  jobsOfEvent(eventId: number): Job[] {
    return (this.sql.ofEvent.all(eventId) as JobDbRow[]).map(toJob);
  }
}
