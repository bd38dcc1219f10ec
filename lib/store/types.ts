/** Rows and inputs of the SQLite store. Every timestamp is an ISO-8601 UTC string. */

import type { NormalizedCommit, NormalizedPush } from '../webhook-primitives/normalized-push';

export type JobTrigger = 'webhook' | 'poll' | 'cli' | 'ui' | 'config' | 'retry';
export type JobState = 'queued' | 'running' | 'done' | 'coalesced';
export type DeploymentStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type LogStream = 'stdout' | 'stderr' | 'system';
/** `missed`: not a request but its absence: the branch moved and no delivery announced it (SPEC §9) */
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'ping' | 'missed';

export const JOB_TRIGGERS: readonly JobTrigger[] = ['webhook', 'poll', 'cli', 'ui', 'config', 'retry'];
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'coalesced'];
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['queued', 'running', 'succeeded', 'failed', 'skipped'];
export const LOG_STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
export const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ['accepted', 'duplicate', 'ignored', 'rejected', 'ping', 'missed'];

export interface StoreOptions {
  /** default `synchronous` pragma; push events are always written with FULL */
  synchronous?: 'NORMAL' | 'FULL';
  /** output kept per deployment log, in bytes of UTF-8 (default 1 MiB) */
  logLimitBytes?: number;
  /** deliveries kept in the deliveries log (default 1000; settings `deliveriesLimit`) */
  deliveriesLimit?: number;
  /** bytes of an accepted delivery's body kept, as text (default 1 KiB: a quarter of a page) */
  deliveryBodyLimitBytes?: number;
  /** clock, for tests */
  now?: () => Date;
  /** run PRAGMA quick_check before use and refuse a damaged file (the server does, at start) */
  checkIntegrity?: boolean;
}

/** A keyset-paginated page, newest first. Pass `nextCursor` as `before` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageOptions {
  /** 1..1000 */
  limit: number;
  /** a `nextCursor` from the previous page */
  before?: string;
}

/** `T` with the keys `K` optional and nullable: callers may leave them out or pass a column's null. */
type Loosened<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };

/**
 * A commit to store: the providers' NormalizedCommit (derived, so the two cannot drift),
 * its optional fields also accepting null (commits filled from git, rows copied over).
 */
export type PushCommitInput = Loosened<NormalizedCommit, 'authorEmail' | 'url'>;

export interface PushJobInput {
  /** null: the branch the host's config names, resolved when the job runs */
  branch: string | null;
  trigger: JobTrigger;
}

/**
 * One pushed ref to store: the providers' NormalizedPush (ref, branch, tag, before, after,
 * created, deleted, forced, pusher, commitsTruncated; the compare link is not stored), its
 * optional facts loosened as for commits, plus where it came from and the jobs it queues.
 */
export type PushEventInput = Loosened<
  Omit<NormalizedPush, 'commits' | 'compareUrl' | 'commitsTruncated'>,
  'branch' | 'tag' | 'before' | 'after' | 'pusher'
> &
  Partial<Pick<NormalizedPush, 'commitsTruncated'>> & {
    repo: string;
    provider: string;
    /** the provider's delivery id; de-duplicates per provider when given */
    deliveryId?: string | null;
    eventType: string;
    receivedAt?: string;
    commits: PushCommitInput[];
    jobs: PushJobInput[];
  };

export interface PushEventResult {
  /** true: the delivery id was seen before; nothing was inserted and the ids are the original ones */
  duplicate: boolean;
  eventId: number;
  jobIds: number[];
}

export interface PushEventRow {
  id: number;
  repo: string;
  provider: string;
  deliveryId: string | null;
  eventType: string;
  ref: string;
  branch: string | null;
  tag: string | null;
  before: string | null;
  after: string | null;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  pusher: string | null;
  receivedAt: string;
  commitsTruncated: boolean;
  commitCount: number;
}

export interface CommitRow {
  /** row id, the keyset pagination order (order of arrival) */
  seq: number;
  repo: string;
  /** the commit sha */
  id: string;
  /** null for commits that arrived with a tag push */
  branch: string | null;
  message: string;
  authorName: string;
  authorEmail: string | null;
  timestamp: string;
  url: string | null;
  /** the push event that first brought this commit to this branch */
  eventId: number | null;
  recordedAt: string;
}

export interface CommitListOptions extends PageOptions {
  branch?: string;
}

export interface JobInput {
  repo: string;
  branch: string | null;
  trigger: JobTrigger;
  eventId?: number | null;
  /** a rollback or redeploy of this commit; such jobs never coalesce */
  targetCommit?: string | null;
}

export interface Job {
  id: number;
  repo: string;
  branch: string | null;
  trigger: JobTrigger;
  eventId: number | null;
  targetCommit: string | null;
  state: JobState;
  attempts: number;
  coalescedInto: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  deploymentId: number | null;
  /** the host (settings' hostname) that claimed it last; null: not claimed yet, or claimed before jobs had a host */
  host: string | null;
}

export interface ClaimedJob extends Job {
  /** queued jobs folded into this one (they are now state `coalesced`) */
  coalescedJobIds: number[];
  /**
   * The newest head a push of this job or of a job folded into it named (a branch
   * deletion's all-zero `after` is no head); null when no push named one.
   */
  pushedHead: string | null;
  /** the push events of this job and the folded ones whose commit lists came cut short (filled after a deployment) */
  truncatedEventIds: number[];
}

export interface RecoveredJob {
  jobId: number;
  /** the deployment marked failed (interrupted), when the job had one */
  deploymentId?: number;
  /** true: queued again; false: it had used its retry and is done */
  requeued: boolean;
}

export interface Deployment {
  id: number;
  repo: string;
  host: string;
  branch: string | null;
  status: DeploymentStatus;
  commit: string | null;
  previousCommit: string | null;
  trigger: JobTrigger;
  jobId: number | null;
  configCommit: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  errorCode: string | null;
  error: string | null;
  skipReason: string | null;
  steps: string[];
  coalescedJobIds: number[];
  // safe deployments (SPEC §10); absent on rows that never had them
  /** outcome of the health gate; absent = no health check ran ("none" in the API) */
  health?: DeploymentHealth;
  /** the commit a failed deployment went back to */
  revertedTo?: string;
  /** the release directory name (`<yyyymmddHHMMSS>-<sha12>`) of a releases deployment */
  release?: string;
}

export type DeploymentHealth = 'passed' | 'failed' | 'none';

/** A commit remembered as bad on a host: the poller and redeliveries skip it (SPEC §10). */
export interface BadCommit {
  repo: string;
  host: string;
  commit: string;
  deploymentId: number | null;
  reason: string | null;
  rememberedAt: string;
}

/** Fields that may change after creation. `durationMs` is derived when `finishedAt` is set without it. */
export type DeploymentPatch = Partial<
  Pick<
    Deployment,
    | 'branch'
    | 'status'
    | 'commit'
    | 'previousCommit'
    | 'configCommit'
    | 'startedAt'
    | 'finishedAt'
    | 'durationMs'
    | 'exitCode'
    | 'signal'
    | 'errorCode'
    | 'error'
    | 'skipReason'
    | 'health'
    | 'revertedTo'
    | 'release'
    | 'steps'
    | 'coalescedJobIds'
  >
>;

export interface NewDeployment extends DeploymentPatch {
  repo: string;
  host: string;
  trigger: JobTrigger;
  jobId?: number | null;
  queuedAt?: string;
}

export interface DeploymentListOptions extends PageOptions {
  status?: DeploymentStatus;
  branch?: string;
}

export interface DeployedCommit {
  commit: string;
  deploymentId: number;
  finishedAt: string | null;
}

export interface LogChunk {
  seq: number;
  stream: LogStream;
  text: string;
  at: string;
}

export interface DeliveryInput {
  receivedAt?: string;
  remoteAddr?: string | null;
  provider?: string | null;
  event?: string | null;
  deliveryId?: string | null;
  /** the configured repo name, when the request got far enough to know it */
  repo?: string | null;
  outcome: DeliveryOutcome;
  statusCode: number;
  reason?: string | null;
  jobIds?: number[];
  /**
   * kept only for `accepted` deliveries, its head up to `deliveryBodyLimitBytes` (cut before
   * a character that would not fit whole), as text
   */
  body?: Buffer | string | null;
}

export interface DeliveryRow {
  id: number;
  receivedAt: string;
  remoteAddr: string | null;
  provider: string | null;
  event: string | null;
  deliveryId: string | null;
  repo: string | null;
  outcome: DeliveryOutcome;
  statusCode: number;
  reason: string | null;
  jobIds: number[];
  /** whether a body is stored (read it with `getDelivery`) */
  hasBody: boolean;
  bodyTruncated: boolean;
}

export interface DeliveryWithBody extends DeliveryRow {
  body: string | null;
}

export interface DeliveryListOptions extends PageOptions {
  repo?: string;
  outcome?: DeliveryOutcome;
}

export interface Pin {
  repo: string;
  host: string;
  commit: string;
  by: string | null;
  at: string;
}
