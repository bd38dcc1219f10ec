import type { Logger } from '../log/logger';
import type { DeploymentRecordStore } from '../store';
import type { DeploymentEvents, DeploymentEventBase } from './events';
import type { DeployOutcome, DeployRequest, Trigger } from './types';

export interface QueuedDeployment {
  repo: string;
  host: string;
  branch: string | null;
  trigger: Trigger;
  jobId?: number | null;
  coalescedJobIds?: number[];
}

/** Create a deployment row in state `queued` and emit `queued`: the queue's and a direct run's first write. */
export function createQueuedDeployment(store: DeploymentRecordStore, events: DeploymentEvents, input: QueuedDeployment): number {
  const id = store.createDeployment({
    repo: input.repo,
    host: input.host,
    branch: input.branch,
    trigger: input.trigger,
    jobId: input.jobId ?? null,
    coalescedJobIds: input.coalescedJobIds ?? [],
    status: 'queued',
  });
  events.emit({ type: 'queued', deploymentId: id, repo: input.repo, host: input.host, trigger: input.trigger, branch: input.branch, jobId: input.jobId ?? null, at: new Date().toISOString() });
  return id;
}

type FinalOutcome = Omit<DeployOutcome, 'deploymentId' | 'location'>;

/**
 * The one writer of a deployment's record: every store write of one deployment goes
 * through here (status, steps, log, config, commits, pin, outcome), and each is also
 * emitted on the event stream, so the record and the stream never disagree.
 */
export class DeploymentRecorder {
  readonly deploymentId: number;
  private readonly startedAt = Date.now();
  private readonly steps: string[] = [];
  private branch: string | null;
  private readonly base: Omit<DeploymentEventBase, 'at'>;
  private health: 'passed' | 'failed' | 'none' = 'none';
  private revertedTo: string | undefined;
  private release: string | undefined;

  constructor(
    private readonly store: DeploymentRecordStore,
    private readonly events: DeploymentEvents,
    private readonly logger: Logger,
    private readonly req: DeployRequest,
    host: string,
  ) {
    store.ensureRepo(req.repo);
    this.branch = req.pushedBranch ?? req.branchOverride ?? null;
    this.deploymentId =
      req.deploymentId ??
      createQueuedDeployment(store, events, { repo: req.repo, host, branch: this.branch, trigger: req.trigger, jobId: req.jobId, coalescedJobIds: req.coalescedJobIds });
    this.base = { deploymentId: this.deploymentId, repo: req.repo, host, trigger: req.trigger };
    store.updateDeployment(this.deploymentId, { status: 'running', startedAt: new Date(this.startedAt).toISOString() });
    this.emitNow({ type: 'started', branch: this.branch });
  }

  /** A progress line: the record's steps, the log, the server log and the event stream. */
  step = (text: string): void => {
    this.steps.push(text);
    const seq = this.store.appendLog(this.deploymentId, 'system', text + '\n');
    this.logger.info(`[${this.req.repo}#${this.deploymentId}] ${text}`);
    this.emitNow({ type: 'step', text, seq });
  };

  /** A chunk of the script's output. */
  output = (stream: 'stdout' | 'stderr', text: string): void => {
    const seq = this.store.appendLog(this.deploymentId, stream, text);
    this.emitNow({ type: 'output', stream, text, seq });
  };

  configUsed(commit: string | null): void {
    this.store.updateDeployment(this.deploymentId, { configCommit: commit });
  }

  branchResolved(branch: string): void {
    this.branch = branch;
    this.store.updateDeployment(this.deploymentId, { branch });
  }

  synced(commit: string, previousCommit: string | null): void {
    this.store.updateDeployment(this.deploymentId, { commit, previousCommit });
    this.emitNow({ type: 'synced', branch: this.branch, commit, previousCommit });
  }

  scriptExited(exitCode: number | null, signal: string | null): void {
    this.store.updateDeployment(this.deploymentId, { exitCode, signal });
  }

  /** The health gate's outcome (SPEC §10). */
  healthChecked(health: 'passed' | 'failed'): void {
    this.health = health;
    this.store.updateDeployment(this.deploymentId, { health });
  }

  /** The release directory of a releases deployment, once prepared. */
  releasePrepared(name: string): void {
    this.release = name;
    this.store.updateDeployment(this.deploymentId, { release: name });
  }

  /**
   * A failed deployment went back to `commit`; `bad` is remembered so that neither the poller
   * nor a redelivery deploys it again (a new push or `trigger` does, and forgets it).
   */
  reverted(commit: string | null, host: string, bad: string | null, reason: string): void {
    if (commit) {
      this.revertedTo = commit;
      this.store.updateDeployment(this.deploymentId, { revertedTo: commit });
    }
    if (bad) this.store.rememberBadCommit(this.req.repo, host, bad, this.deploymentId, reason);
  }

  /** A commit that deployed and passed is not bad any more. */
  passed(host: string, commit: string): void {
    if (this.store.forgetBadCommit(this.req.repo, host, commit)) this.step(`${commit.slice(0, 12)} passed: no longer remembered as bad on ${host}`);
  }

  /**
   * A rollback pins this host to its commit; any other deployment that moved the copy (a
   * push, "deploy now") releases the pin. The poller reads the pin and leaves a pinned host alone.
   */
  updatePin(host: string, commit: string): void {
    const { req } = this;
    if (req.targetCommit) {
      this.store.setPin(req.repo, host, commit, req.trigger);
      this.step(`pinned ${req.repo} on ${host} to ${commit.slice(0, 12)} until the next push or \`integralgit unpin ${req.repo}\``);
    } else if (req.trigger !== 'poll' && this.store.clearPin(req.repo, host)) {
      this.step(`released the pin of ${req.repo} on ${host} (${req.trigger} deployment of the branch head)`);
    }
  }

  /** The last write: the outcome on the record, one log line, and `finished` on the stream. */
  finish(outcome: FinalOutcome, location?: string): DeployOutcome {
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - this.startedAt;
    const failed = outcome.status === 'failed';
    const errorCode = failed ? (outcome.errorCode ?? 'IG_INTERNAL') : null;
    this.store.updateDeployment(this.deploymentId, {
      status: outcome.status,
      commit: outcome.commit,
      previousCommit: outcome.previousCommit,
      finishedAt: finishedAt.toISOString(),
      durationMs,
      exitCode: outcome.exitCode ?? null,
      errorCode,
      error: failed ? (outcome.reason ?? null) : null,
      skipReason: outcome.status === 'skipped' ? (outcome.reason ?? null) : null,
      steps: this.steps,
    });
    const line = `[${this.req.repo}#${this.deploymentId}] ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}`;
    if (failed) this.logger.error(line);
    else this.logger.info(line);
    this.emitNow({
      type: 'finished',
      status: outcome.status,
      health: this.health,
      commit: outcome.commit,
      previousCommit: outcome.previousCommit,
      branch: this.branch,
      durationMs,
      errorCode,
      reason: outcome.reason ?? null,
      exitCode: outcome.exitCode ?? null,
    });
    const safety = { ...(this.health !== 'none' ? { health: this.health } : {}), ...(this.revertedTo ? { revertedTo: this.revertedTo } : {}), ...(this.release ? { release: this.release } : {}) };
    return { deploymentId: this.deploymentId, location, ...safety, ...outcome };
  }

  private emitNow(e: DistributiveOmit<Parameters<DeploymentEvents['emit']>[0], keyof DeploymentEventBase>): void {
    this.events.emit({ ...this.base, ...e, at: new Date().toISOString() });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
