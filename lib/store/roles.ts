import type { ConfigVersionRecord, ConfigVersionStore } from '../config/types';
import type { CommitSearch } from './commit-search';
import type { DeploymentOutcome, OutcomeCounts } from './deployment-outcomes';
import type { OutboxAttempt, OutboxAttemptResult, OutboxMessage, OutboxMessageInput } from './outbox';
import type { PruneResult, RetentionLimits } from './retention';
import type {
  BadCommit,
  ClaimedJob,
  CommitListOptions,
  CommitRow,
  DeliveryInput,
  DeliveryListOptions,
  DeliveryRow,
  DeliveryWithBody,
  DeployedCommit,
  Deployment,
  DeploymentListOptions,
  DeploymentPatch,
  Job,
  JobInput,
  JobState,
  LogChunk,
  LogStream,
  NewDeployment,
  Page,
  PageOptions,
  Pin,
  PushCommitInput,
  PushEventInput,
  PushEventResult,
  PushEventRow,
  RecoveredJob,
} from './types';

/*
 * The store seen by one role at a time. Each consumer declares the role it needs (or a
 * Pick of one) instead of the whole SQLite `Store`, which implements them all: a second
 * store (another database, a fleet-wide one) implements the roles its callers use and
 * nothing else changes. Like `ConfigVersionStore` (lib/config/types.ts), a role names
 * what is done with the store, not how it is kept.
 */

/** The webhook intake: a push event with its commits and jobs, and the deliveries log. */
export interface IngestStore {
  recordPushEvents(inputs: PushEventInput[]): PushEventResult[];
  recordDelivery(input: DeliveryInput): number;
  /** one transaction that is on disk when it returns (the intake's group commit) */
  durably<T>(fn: () => T): T;
}

/**
 * The durable deployment queue: its workers, the poller, people asking for a deployment.
 * `host` is the settings' hostname: a job records who claimed it, and recovery at start
 * takes back only this host's jobs (several hosts may share a store, SPEC §11).
 */
export interface JobQueueStore {
  ensureRepo(name: string): void;
  enqueueJob(input: JobInput): number;
  getJob(id: number): Job | undefined;
  claimNextJob(repo: string, host: string): ClaimedJob | undefined;
  attachDeployment(jobId: number, deploymentId: number): void;
  finishJob(id: number, deploymentId?: number | null): void;
  recoverInterrupted(host: string): RecoveredJob[];
  queueDepth(repo?: string): number;
  reposWithQueuedJobs(): string[];
  /** the push a job came from (the head it named) */
  getPushEvent(id: number): PushEventRow | undefined;
  applyRetention(repo: string, limits: RetentionLimits): PruneResult;
  /** one transaction (a claimed job and its deployment row): the write lock is taken, or found busy, before anything is written */
  durably<T>(fn: () => T): T;
}

/** Every write of one deployment; `DeploymentRecorder` is its only user. */
export interface DeploymentRecordStore {
  ensureRepo(name: string): void;
  createDeployment(input: NewDeployment): number;
  updateDeployment(id: number, patch: DeploymentPatch): void;
  appendLog(deploymentId: number, stream: LogStream, text: string): number;
  setPin(repo: string, host: string, commit: string, by: string | null): void;
  clearPin(repo: string, host: string): boolean;
  rememberBadCommit(repo: string, host: string, commit: string, deploymentId: number | null, reason: string | null): void;
  forgetBadCommit(repo: string, host: string, commit: string): boolean;
}

/** A deployment run: the recorder's writes, the config versions, and what it reads of earlier runs on this host. */
export interface DeploymentStore extends DeploymentRecordStore, ConfigVersionStore {
  getDeployment(id: number): Deployment | undefined;
  lastDeployment(repo: string, host: string): Deployment | undefined;
  deployedCommit(repo: string, host: string): DeployedCommit | undefined;
  getPin(repo: string, host: string): Pin | undefined;
  badCommit(repo: string, host: string, commit: string): BadCommit | undefined;
  getPushEvent(id: number): PushEventRow | undefined;
  /** commits a truncated push payload left out, read from git after the fetch */
  fillEventCommits(eventId: number, commits: PushCommitInput[]): void;
}

/** Reads behind the pages, the JSON API and the read-only CLI commands; the one write is a search indexing the commits still pending first (commit-search.ts). */
export interface HistoryStore {
  listRepos(): string[];
  // deployments and their logs
  getDeployment(id: number): Deployment | undefined;
  listDeployments(repo: string, opts: DeploymentListOptions): Page<Deployment>;
  lastDeployment(repo: string, host: string): Deployment | undefined;
  deployedCommit(repo: string, host: string): DeployedCommit | undefined;
  getLog(deploymentId: number, afterSeq?: number): LogChunk[];
  getPin(repo: string, host: string): Pin | undefined;
  // the queue
  getJob(id: number): Job | undefined;
  listJobs(repo: string, states?: JobState[], limit?: number): Job[];
  jobsOfEvent(eventId: number): Job[];
  queueDepth(repo?: string): number;
  // pushes and commits
  getPushEvent(id: number): PushEventRow | undefined;
  listPushEvents(repo: string, opts: PageOptions & { branch?: string }): Page<PushEventRow>;
  commitsOfEvent(eventId: number): CommitRow[];
  listCommits(repo: string, opts: CommitListOptions): Page<CommitRow>;
  getCommit(repo: string, sha: string): CommitRow | undefined;
  // deliveries
  listDeliveries(opts: DeliveryListOptions): Page<DeliveryRow>;
  getDelivery(id: number): DeliveryWithBody | undefined;
  // config versions
  lastValidConfig(repo: string): ConfigVersionRecord | undefined;
  latestConfigVersion(repo: string): ConfigVersionRecord | undefined;
  listConfigVersions(repo: string, limit?: number): ConfigVersionRecord[];
  // charts, search, outgoing messages of a deployment
  recentOutcomes(repo: string, host: string, limit: number): DeploymentOutcome[];
  outcomeCounts(repo: string, host: string, sinceIso: string): OutcomeCounts;
  searchCommits(repo: string, q: CommitSearch): Page<CommitRow>;
  searchDeploymentsBySha(repo: string, prefix: string, opts: { limit: number; before?: string }): Page<Deployment>;
  deploymentsOfCommit(repo: string, sha: string, limit: number): Deployment[];
  outboxOfDeployment(deploymentId: number): OutboxMessage[];
}

/**
 * The full-text index of commits, filled in batches off the webhook's transaction
 * (migration 008): the server's indexer drains it; a search drains it first itself.
 */
export interface CommitIndexStore {
  /** index up to `max` commits not yet searchable; returns how many ids it covered */
  indexPendingCommits(max?: number): number;
  unindexedCommits(): number;
}

/** The durable outbox (SPEC §9): writers enqueue, the dispatcher claims and records attempts. */
export interface OutboxStore {
  enqueueOutbox(messages: OutboxMessageInput[]): number[];
  dueOutbox(now: string, limit: number): OutboxMessage[];
  claimOutbox(id: number, now: string, leaseUntil: string): OutboxMessage | undefined;
  recordOutboxAttempt(id: number, attempt: Omit<OutboxAttempt, 'ok' | 'error'>, result: OutboxAttemptResult): void;
}

/** The outcome of deployments leaving the host (commit statuses, notifications, missed webhooks). */
export interface OutcomeStore {
  getDeployment(id: number): Deployment | undefined;
  getJob(id: number): Job | undefined;
  commitsOfEvent(eventId: number): CommitRow[];
  getCommit(repo: string, sha: string): CommitRow | undefined;
  previousOutcome(repo: string, host: string, beforeDeploymentId: number): 'succeeded' | 'failed' | undefined;
  lastWebhookProvider(repo: string): string | undefined;
  headAnnounced(repo: string, sha: string): boolean;
  missedRecorded(repo: string, sha: string): boolean;
  recordDelivery(input: DeliveryInput): number;
}

/** The process's liveness probe (/healthz). */
export interface HealthStore {
  healthCheck(): boolean;
  /** a write that keeps nothing: throws as a real write would (readiness) */
  probeWrite(): void;
  readonly file: string;
}
