import type { Logger } from '../log/logger';
import type { Store } from '../store';
import { describeError } from '../errors';
import { runDeployment, DeployDeps } from '../deploy/run-deployment';
import type { DeployOutcome } from '../deploy/types';
import { fillTruncatedCommits } from '../deploy/fill-truncated-commits';

export interface QueueEvents {
  onDeploymentStarted?: (repo: string, deploymentId: number) => void;
  onDeploymentFinished?: (repo: string, outcome: DeployOutcome, durationMs: number) => void;
}

/**
 * The durable deployment queue's workers: jobs live in SQLite (the store), one worker per
 * repository so deployments of one working copy never overlap, and jobs for the same
 * branch queued behind a running one are coalesced by `claimNextJob` into one deployment
 * of the newest head. Nothing is kept only in memory: a restart resumes from the table.
 */
export class DeployQueue {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly aborts = new Map<string, AbortController>();
  private stopping = false;

  constructor(
    private readonly deps: DeployDeps,
    private readonly events: QueueEvents = {},
  ) {}

  private get store(): Store {
    return this.deps.store;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  /** At start: deployments cut off by a crash are marked failed and retried once; queued work resumes. */
  start(): void {
    const recovered = this.store.recoverInterrupted();
    for (const r of recovered) {
      this.logger.warn(`job ${r.jobId} was interrupted by a stop or crash${r.deploymentId ? ` (deployment ${r.deploymentId} marked failed)` : ''}${r.requeued ? '; retrying it once' : ''}`);
    }
    for (const repo of this.store.reposWithQueuedJobs()) this.kick(repo);
  }

  /** Wake the repo's worker (after an enqueue). */
  kick(repo: string): void {
    if (this.stopping || this.workers.has(repo)) return;
    const worker = this.work(repo).finally(() => {
      this.workers.delete(repo);
      // a job enqueued between the last claim and the worker's exit is not left waiting
      if (!this.stopping && this.store.queueDepth(repo) > 0) this.kick(repo);
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
   * then abort their scripts (they are recorded as interrupted). Queued jobs stay queued.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const all = Promise.all([...this.workers.values()]);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([all.then(() => 'done' as const), timer])) === 'timeout') {
      for (const ac of this.aborts.values()) ac.abort();
      await Promise.race([all, new Promise((r) => setTimeout(r, 15_000).unref())]);
    }
  }

  private async work(repo: string): Promise<void> {
    while (!this.stopping) {
      const job = this.store.claimNextJob(repo);
      if (!job) return;
      const ac = new AbortController();
      this.aborts.set(repo, ac);
      const started = Date.now();
      try {
        const deploymentId = this.store.createDeployment({
          repo,
          host: this.deps.settings.hostname,
          branch: (job.branch ?? undefined),
          trigger: job.trigger,
          jobId: job.id,
          coalescedJobIds: job.coalescedJobIds,
          status: 'queued',
        });
        this.store.attachDeployment(job.id, deploymentId);
        this.events.onDeploymentStarted?.(repo, deploymentId);
        const outcome = await runDeployment(this.deps, {
          repo,
          trigger: job.trigger,
          pushedBranch: job.trigger === 'cli' || job.trigger === 'ui' || job.trigger === 'poll' ? undefined : (job.branch ?? undefined),
          targetCommit: job.targetCommit ?? undefined,
          jobId: job.id,
          coalescedJobIds: job.coalescedJobIds,
          deploymentId,
          signal: ac.signal,
        });
        this.store.finishJob(job.id, outcome.deploymentId);
        if (outcome.status === 'succeeded' && outcome.location) {
          const eventIds = [job.eventId, ...job.coalescedJobIds.map((id) => this.store.getJob(id)?.eventId ?? null)];
          await fillTruncatedCommits(this.store, outcome.location, eventIds, this.logger);
        }
        this.events.onDeploymentFinished?.(repo, outcome, Date.now() - started);
      } catch (err) {
        // runDeployment records its own failures; this is a bug or the database going away
        this.logger.error(`worker for ${repo}: job ${job.id} failed outside a deployment: ${describeError(err)}`);
        this.store.finishJob(job.id, null);
      } finally {
        this.aborts.delete(repo);
      }
    }
  }
}
