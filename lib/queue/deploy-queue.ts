import type { Logger } from '../log/logger';
import type { ClaimedJob, DeploymentStore, JobQueueStore } from '../store';
import { describeError } from '../errors';
import { runDeployment } from '../deploy/run-deployment';
import type { DeployDeps } from '../deploy/deploy-deps';
import { DeploymentEvents } from '../deploy/events';
import { createQueuedDeployment } from '../deploy/recorder';
import { fillTruncatedCommits } from '../deploy/fill-truncated-commits';
import { RETENTION_DEFAULTS } from '../settings/resolve-retention';
import { retryWhileBusy } from '../store/busy-retry';
import { findRepo } from '../settings/require-repo';
import { tracePhase } from '../trace/phase-trace';

/** After a worker failed outside a deployment (the database went away): wait before retrying. */
const FAILURE_BACKOFF_MS = 5_000;

/** A worker claims jobs (the queue role) and runs each as a deployment (the deployment role). */
export interface QueueDeps extends DeployDeps {
  store: JobQueueStore & DeploymentStore;
}

/**
 * The durable deployment queue's workers: jobs live in SQLite (the store), one worker per
 * repository so deployments of one working copy never overlap, and jobs for the same
 * branch queued behind a running one are coalesced by `claimNextJob` into one deployment
 * of the newest head. Nothing is kept only in memory: a restart resumes from the table.
 * A worker never throws: a failure is logged, recorded on the job's deployment and retried
 * after a back-off, never in a tight loop.
 */
export class DeployQueue {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly backoff = new Set<string>();
  private stopping = false;
  private readonly deps: QueueDeps & { events: DeploymentEvents };

  /** `deps.events`: the process's event stream (metrics, live log, outbox writers subscribe to it). */
  constructor(deps: QueueDeps) {
    this.deps = { ...deps, events: deps.events ?? new DeploymentEvents(deps.logger) };
  }

  get events(): DeploymentEvents {
    return this.deps.events;
  }

  private get store(): QueueDeps['store'] {
    return this.deps.store;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  /**
   * At start: this host's deployments cut off by a crash are marked failed and retried once
   * (another host sharing the store recovers its own); queued work resumes.
   */
  start(): void {
    const recovered = this.store.recoverInterrupted(this.deps.settings.hostname);
    for (const r of recovered) {
      this.logger.warn(`job ${r.jobId} was interrupted by a stop or crash${r.deploymentId ? ` (deployment ${r.deploymentId} marked failed)` : ''}${r.requeued ? '; retrying it once' : ''}`);
    }
    for (const repo of Object.keys(this.deps.settings.repos)) this.pruneHistory(repo);
    for (const repo of this.store.reposWithQueuedJobs()) {
      if (Object.prototype.hasOwnProperty.call(this.deps.settings.repos, repo)) this.kick(repo);
      else this.logger.warn(`jobs are queued for \`${repo}\`, which is no longer in the settings: they stay queued until it is added back`);
    }
  }

  /** `retention`: at start and after each deployment, so the database stays bounded. */
  private pruneHistory(repo: string): void {
    try {
      const pruned = this.store.applyRetention(repo, findRepo(this.deps.settings, repo)?.retention ?? RETENTION_DEFAULTS);
      if (pruned.deployments + pruned.deliveries > 0) {
        this.logger.info(`retention: pruned ${pruned.deployments} deployment(s) and ${pruned.deliveries} deliveries of ${repo}`);
      }
    } catch (err) {
      this.logger.warn(`retention: pruning ${repo} failed: ${describeError(err)}`);
    }
  }

  /** Wake the repo's worker (after an enqueue). */
  kick(repo: string): void {
    if (this.stopping || this.workers.has(repo) || this.backoff.has(repo)) return;
    const worker = this.work(repo)
      .catch((err: unknown) => {
        this.logger.error(`worker for ${repo} stopped: ${describeError(err)}; retrying in ${FAILURE_BACKOFF_MS / 1000}s`);
        this.backoff.add(repo);
        setTimeout(() => {
          this.backoff.delete(repo);
          this.kick(repo);
        }, FAILURE_BACKOFF_MS).unref();
      })
      .finally(() => {
        this.workers.delete(repo);
        // a job enqueued between the last claim and the worker's exit is not left waiting
        if (!this.stopping && !this.backoff.has(repo) && this.safeQueueDepth(repo) > 0) setImmediate(() => this.kick(repo));
      });
    this.workers.set(repo, worker);
  }

  isRunning(repo: string): boolean {
    return this.workers.has(repo);
  }

  activeWorkers(): number {
    return this.workers.size;
  }

  /** Resolves when every worker is idle (tests and the demo wait on this). */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.all([...this.workers.values()]);
  }

  /**
   * Graceful stop: claim nothing new, let running deployments finish for up to `graceMs`,
   * then abort their scripts: those jobs stay `running` in the table, so the next start
   * records them as interrupted and retries them once. Queued jobs stay queued.
   * Resolves to true when every worker has settled.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    const all = Promise.all([...this.workers.values()]).then(() => true);
    const after = (ms: number) => new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
    if (await Promise.race([all, after(graceMs)])) return true;
    for (const ac of this.aborts.values()) ac.abort();
    return Promise.race([all, after(15_000)]);
  }

  private safeQueueDepth(repo: string): number {
    try {
      return this.store.queueDepth(repo);
    } catch {
      return 0;
    }
  }

  private async work(repo: string): Promise<void> {
    // kick() is called from the webhook's request handler: the 202 is written before the
    // claim's fsync and the deployment's first steps (which fork) hold the event loop
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.stopping) {
      // a write lock another process holds is waited out on timers, never in SQLite's busy loop
      const claimed = await retryWhileBusy(() => this.claim(repo));
      if (!claimed) return;
      tracePhase('claimed', repo);
      await this.runJob(repo, claimed.job, claimed.deploymentId);
    }
  }

  /**
   * The next job and its deployment row, `queued`, in one durable transaction: a job is
   * never seen running without its deployment, and one fsync covers both. The lock is
   * taken (or found busy) before anything is written or emitted.
   */
  private claim(repo: string): { job: ClaimedJob; deploymentId: number } | undefined {
    return this.store.durably(() => {
      const job = this.store.claimNextJob(repo, this.deps.settings.hostname);
      if (!job) return undefined;
      const deploymentId = createQueuedDeployment(this.store, this.deps.events, {
        repo,
        host: this.deps.settings.hostname,
        branch: job.branch,
        trigger: job.trigger,
        jobId: job.id,
        coalescedJobIds: job.coalescedJobIds,
      });
      this.store.attachDeployment(job.id, deploymentId);
      return { job, deploymentId };
    });
  }

  private async runJob(repo: string, job: ClaimedJob, deploymentId: number): Promise<void> {
    const ac = new AbortController();
    this.aborts.set(repo, ac);
    try {
      const byPerson = job.trigger === 'cli' || job.trigger === 'ui';
      const outcome = await runDeployment(this.deps, {
        repo,
        trigger: job.trigger,
        // a push names the branch it went to; a person may ask for a branch; a poll deploys the configured one
        pushedBranch: byPerson || job.trigger === 'poll' ? undefined : (job.branch ?? undefined),
        branchOverride: byPerson ? (job.branch ?? undefined) : undefined,
        targetCommit: job.targetCommit ?? undefined,
        requestedCommit: job.pushedHead ?? undefined,
        jobId: job.id,
        coalescedJobIds: job.coalescedJobIds,
        deploymentId,
        signal: ac.signal,
      });
      if (this.stopping && outcome.errorCode === 'IG_INTERRUPTED') {
        // left `running`: the next start marks it interrupted and retries it once (SPEC §4.6)
        this.logger.warn(`job ${job.id} of ${repo} was stopped by the shutdown; it is retried at the next start`);
        return;
      }
      await retryWhileBusy(() => this.store.finishJob(job.id, outcome.deploymentId));
      this.pruneHistory(repo);
      if (outcome.status === 'succeeded' && outcome.location) {
        await fillTruncatedCommits(this.store, outcome.location, job.truncatedEventIds, this.logger).catch((err: unknown) =>
          this.logger.warn(`could not fill the commits of job ${job.id}: ${describeError(err)}`),
        );
      }
    } catch (err) {
      // runDeployment records its own failures: this is the database or a bug. Record what
      // can be recorded so the push is visibly failed, never silently dropped.
      this.logger.error(`job ${job.id} of ${repo} failed outside a deployment: ${describeError(err)}`);
      await retryWhileBusy(() => this.store.updateDeployment(deploymentId, { status: 'failed', errorCode: 'IG_INTERNAL', error: describeError(err), finishedAt: new Date().toISOString() }));
      await retryWhileBusy(() => this.store.finishJob(job.id, deploymentId));
    } finally {
      this.aborts.delete(repo);
    }
  }
}
