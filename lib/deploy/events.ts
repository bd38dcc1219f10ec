import type { Logger } from '../log/logger';
import { describeError } from '../errors';
import type { Trigger } from './types';

/** Fields every deployment event carries: enough to route it without reading the store. */
export interface DeploymentEventBase {
  deploymentId: number;
  repo: string;
  host: string;
  trigger: Trigger;
  /** ISO-8601 UTC time the event was emitted */
  at: string;
}

export interface QueuedEvent extends DeploymentEventBase {
  type: 'queued';
  branch: string | null;
  jobId: number | null;
}

export interface StartedEvent extends DeploymentEventBase {
  type: 'started';
  branch: string | null;
}

/**
 * The working copy is at `commit`: the first moment the commit being deployed is known
 * (the head is read from the remote when the job runs). A commit status goes `pending` here.
 */
export interface SyncedEvent extends DeploymentEventBase {
  type: 'synced';
  branch: string | null;
  commit: string;
  previousCommit: string | null;
}

export interface StepEvent extends DeploymentEventBase {
  type: 'step';
  text: string;
  /** the log chunk's sequence number in the store (SSE ids, resuming) */
  seq: number;
}

export interface OutputEvent extends DeploymentEventBase {
  type: 'output';
  stream: 'stdout' | 'stderr';
  text: string;
  seq: number;
}

/** The health gate's outcome (SPEC §10): "none" when no health check ran. */
export type DeploymentHealth = 'passed' | 'failed' | 'none';

export interface FinishedEvent extends DeploymentEventBase {
  type: 'finished';
  status: 'succeeded' | 'failed' | 'skipped';
  health: DeploymentHealth;
  /** the commit deployed, or for a failure the commit it was asked to deploy (when known) */
  commit: string | null;
  previousCommit: string | null;
  branch: string | null;
  durationMs: number;
  errorCode: string | null;
  /** the failure or skip reason, one line */
  reason: string | null;
  exitCode: number | null;
}

export type DeploymentEvent = QueuedEvent | StartedEvent | SyncedEvent | StepEvent | OutputEvent | FinishedEvent;
export type DeploymentEventType = DeploymentEvent['type'];
export type DeploymentEventOf<T extends DeploymentEventType> = Extract<DeploymentEvent, { type: T }>;

/** A subscriber may be async; its promise is not awaited (it never holds a deployment up). */
export type DeploymentSubscriber = (event: DeploymentEvent) => void | Promise<void>;

/**
 * The one stream of deployment events of this process (SPEC §9): every deployment,
 * whoever started it, goes through the recorder, which emits here. Metrics, the live log,
 * the CLI's progress output and the outbox writers subscribe.
 *
 * Delivery is synchronous and in order, so a subscriber sees `finished` after the last
 * `output`. A subscriber must be quick (update a counter, write a row): anything slow or
 * remote goes through the outbox (lib/outbox). A subscriber that throws or rejects is
 * logged and the others still get the event: it never breaks the deployment.
 */
export class DeploymentEvents {
  private readonly subscribers = new Set<DeploymentSubscriber>();
  /** deployments of this process between `queued`/`started` and `finished` */
  private readonly active = new Set<number>();

  constructor(private readonly logger?: Logger) {}

  /** Returns the unsubscribe function. */
  subscribe(fn: DeploymentSubscriber): () => void {
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }

  /** Only events of one type, typed. */
  on<T extends DeploymentEventType>(type: T, fn: (event: DeploymentEventOf<T>) => void | Promise<void>): () => void {
    return this.subscribe((e) => (e.type === type ? fn(e as DeploymentEventOf<T>) : undefined));
  }

  /** True while a deployment started in this process has not finished (the live log pushes instead of polling). */
  isActive(deploymentId: number): boolean {
    return this.active.has(deploymentId);
  }

  emit(event: DeploymentEvent): void {
    if (event.type === 'queued' || event.type === 'started') this.active.add(event.deploymentId);
    else if (event.type === 'finished') this.active.delete(event.deploymentId);
    for (const fn of [...this.subscribers]) {
      try {
        const result = fn(event);
        if (result && typeof (result).catch === 'function') {
          (result).catch((err: unknown) => this.report(event, err));
        }
      } catch (err) {
        this.report(event, err);
      }
    }
  }

  private report(event: DeploymentEvent, err: unknown): void {
    const msg = `a subscriber of deployment events failed on \`${event.type}\` of ${event.repo}#${event.deploymentId}: ${describeError(err)}`;
    if (this.logger) this.logger.error(msg, { stack: (err as Error)?.stack });
    else process.stderr.write(msg + '\n');
  }
}
