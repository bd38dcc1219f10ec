import type Database from 'better-sqlite3';
import type { ConfigVersionRecord, ConfigVersionStore } from '../config/types';
import type { StoreContext } from './context';
import { CommitsTable } from './commits';
import { ConfigVersionsTable } from './config-versions';
import { DeliveriesTable } from './deliveries';
import { DeploymentLogTable } from './deployment-log';
import { DeploymentsTable } from './deployments';
import { DeploymentOutcomesTable, type DeploymentOutcome, type OutcomeCounts } from './deployment-outcomes';
import { CommitSearchTable, type CommitSearch } from './commit-search';
import { CommitIndexTable } from './commit-index';
import { JobsTable } from './jobs';
import { OutcomeQueries } from './outcome-queries';
import { PinsTable } from './pins';
import { BadCommitsTable } from './bad-commits';
import { OutboxTable, type OutboxAttempt, type OutboxAttemptResult, type OutboxMessage, type OutboxMessageInput, type OutboxStatus } from './outbox';
import { PushEventsTable } from './push-events';
import { ReposTable } from './repos';
import { recoverInterrupted } from './recover-interrupted';
import type { CommitIndexStore, DeploymentStore, HealthStore, HistoryStore, IngestStore, JobQueueStore, OutboxStore, OutcomeStore } from './roles';
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
  DeploymentStatus,
  Job,
  JobInput,
  JobState,
  LogChunk,
  LogStream,
  NewDeployment,
  Page,
  PageOptions,
  Pin,
  PushEventInput,
  PushCommitInput,
  PushEventResult,
  PushEventRow,
  RecoveredJob,
  StoreOptions,
} from './types';

import { RetentionPruner, type PruneResult, type RetentionLimits } from './retention';

export const DEFAULT_LOG_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_DELIVERIES_LIMIT = 1000;
export const DEFAULT_DELIVERY_BODY_LIMIT_BYTES = 1024;

/**
 * The one door to the database. Methods are synchronous (better-sqlite3); every write runs
 * in a `BEGIN IMMEDIATE` transaction, so concurrent processes queue on the write lock
 * (up to busy_timeout) instead of failing half-way. Open with `openStore(dataDir)`.
 * Callers see it through the narrow role they need (lib/store/roles.ts); only the process
 * that opens and closes it holds the whole class.
 */
export class Store
  implements ConfigVersionStore, CommitIndexStore, IngestStore, JobQueueStore, DeploymentStore, HistoryStore, OutboxStore, OutcomeStore, HealthStore
{
  readonly db: Database.Database;
  readonly file: string;
  private readonly repos: ReposTable;
  private readonly commits: CommitsTable;
  private readonly pushEvents: PushEventsTable;
  private readonly jobs: JobsTable;
  private readonly deployments: DeploymentsTable;
  private readonly log: DeploymentLogTable;
  private readonly configs: ConfigVersionsTable;
  private readonly deliveries: DeliveriesTable;
  private readonly pins: PinsTable;
  private readonly outcomes: DeploymentOutcomesTable;
  private readonly search: CommitSearchTable;
  private readonly commitIndex: CommitIndexTable;
  private readonly retention: RetentionPruner;
  private readonly badCommits: BadCommitsTable;
  private readonly outbox: OutboxTable;
  private readonly outcomeQueries: OutcomeQueries;
  private readonly ctx: StoreContext;
  private readonly defaultSynchronous: 'NORMAL' | 'FULL';

  constructor(db: Database.Database, file: string, options: StoreOptions = {}) {
    this.db = db;
    this.file = file;
    const clock = options.now ?? (() => new Date());
    this.ctx = {
      db,
      now: () => clock().toISOString(),
      // inside a write already: run as part of it (a savepoint per nested call is wasted work
      // on the webhook's hot path, and nothing here catches an inner failure to carry on)
      write: <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn).immediate()),
      logLimitBytes: positive('logLimitBytes', options.logLimitBytes ?? DEFAULT_LOG_LIMIT_BYTES),
      deliveryBodyLimitBytes: positive('deliveryBodyLimitBytes', options.deliveryBodyLimitBytes ?? DEFAULT_DELIVERY_BODY_LIMIT_BYTES),
    };
    this.repos = new ReposTable(this.ctx);
    this.commits = new CommitsTable(this.ctx);
    this.jobs = new JobsTable(this.ctx, this.repos);
    this.defaultSynchronous = options.synchronous ?? 'NORMAL';
    this.pushEvents = new PushEventsTable(this.ctx, this.repos, this.commits, this.jobs, this.defaultSynchronous);
    this.deployments = new DeploymentsTable(this.ctx, this.repos);
    this.log = new DeploymentLogTable(this.ctx);
    this.configs = new ConfigVersionsTable(this.ctx, this.repos);
    this.deliveries = new DeliveriesTable(this.ctx, options.deliveriesLimit ?? DEFAULT_DELIVERIES_LIMIT);
    this.pins = new PinsTable(this.ctx, this.repos);
    this.outcomes = new DeploymentOutcomesTable(this.ctx);
    this.commitIndex = new CommitIndexTable(this.ctx);
    this.search = new CommitSearchTable(this.ctx, this.commitIndex);
    this.retention = new RetentionPruner(this.ctx);
    this.badCommits = new BadCommitsTable(this.ctx, this.repos);
    this.outbox = new OutboxTable(this.ctx);
    this.outcomeQueries = new OutcomeQueries(this.ctx);
  }

  /** Delete the oldest deployments (with their logs) and deliveries of `repo` beyond the limits. */
  applyRetention(repo: string, limits: RetentionLimits): PruneResult {
    return this.retention.prune(repo, limits);
  }

  /**
   * Run `fn` in one BEGIN IMMEDIATE transaction that is on disk (synchronous=FULL) when it
   * returns: the webhook path commits every delivery of one event-loop turn together, one
   * fsync for all of them.
   */
  durably<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(fn).immediate();
    } finally {
      this.db.pragma(`synchronous = ${this.defaultSynchronous}`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * How long a statement waits inside SQLite for a lock another process holds. The server
   * lowers it once it runs (lib/store/busy-retry.ts says why); commands keep the default.
   */
  setBusyTimeout(ms: number): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  }

  // repos
  ensureRepo(name: string): void {
    this.repos.ensureRepo(name);
  }
  listRepos(): string[] {
    return this.repos.listRepos();
  }

  // push events and commits
  recordPushEvent(input: PushEventInput): PushEventResult {
    return this.pushEvents.recordPushEvent(input);
  }

  recordPushEvents(inputs: PushEventInput[]): PushEventResult[] {
    return this.pushEvents.recordPushEvents(inputs);
  }

  fillEventCommits(eventId: number, commits: PushCommitInput[]): void {
    this.pushEvents.fillEventCommits(eventId, commits);
  }
  getPushEvent(id: number): PushEventRow | undefined {
    return this.pushEvents.getPushEvent(id);
  }
  listPushEvents(repo: string, opts: PageOptions & { branch?: string }): Page<PushEventRow> {
    return this.pushEvents.listPushEvents(repo, opts);
  }
  commitsOfEvent(eventId: number): CommitRow[] {
    return this.commits.commitsOfEvent(eventId);
  }
  listCommits(repo: string, opts: CommitListOptions): Page<CommitRow> {
    return this.commits.listCommits(repo, opts);
  }
  countCommits(repo: string): number {
    return this.commits.countCommits(repo);
  }
  getCommit(repo: string, sha: string): CommitRow | undefined {
    return this.commits.getCommit(repo, sha);
  }

  // jobs
  enqueueJob(input: JobInput): number {
    return this.jobs.enqueueJob(input);
  }
  getJob(id: number): Job | undefined {
    return this.jobs.getJob(id);
  }
  /** `host`: the claiming host (settings' hostname); omitted only where one host uses the store (tests, tools). */
  claimNextJob(repo: string, host?: string): ClaimedJob | undefined {
    return this.jobs.claimNextJob(repo, host ?? null);
  }
  attachDeployment(jobId: number, deploymentId: number): void {
    this.jobs.attachDeployment(jobId, deploymentId);
  }
  finishJob(id: number, deploymentId: number | null = null): void {
    this.jobs.finishJob(id, deploymentId);
  }
  /** `host`: recover only this host's running jobs (and those without a host); omitted: all of them. */
  recoverInterrupted(host?: string): RecoveredJob[] {
    return recoverInterrupted(this.ctx, this.jobs, this.deployments, host);
  }
  queueDepth(repo?: string): number {
    return this.jobs.queueDepth(repo);
  }
  reposWithQueuedJobs(): string[] {
    return this.jobs.reposWithQueuedJobs();
  }
  listJobs(repo: string, states?: JobState[], limit?: number): Job[] {
    return this.jobs.listJobs(repo, states, limit);
  }
  jobsOfEvent(eventId: number): Job[] {
    return this.jobs.jobsOfEvent(eventId);
  }

  // deployments
  createDeployment(input: NewDeployment): number {
    return this.deployments.createDeployment(input);
  }
  updateDeployment(id: number, patch: DeploymentPatch): void {
    this.deployments.updateDeployment(id, patch);
  }
  getDeployment(id: number): Deployment | undefined {
    return this.deployments.getDeployment(id);
  }
  listDeployments(repo: string, opts: DeploymentListOptions): Page<Deployment> {
    return this.deployments.listDeployments(repo, opts);
  }
  lastDeployment(repo: string, host: string): Deployment | undefined {
    return this.deployments.lastDeployment(repo, host);
  }
  deployedCommit(repo: string, host: string): DeployedCommit | undefined {
    return this.deployments.deployedCommit(repo, host);
  }
  countDeployments(repo: string, status?: DeploymentStatus): number {
    return this.deployments.countDeployments(repo, status);
  }

  // deployment log
  appendLog(deploymentId: number, stream: LogStream, text: string): number {
    return this.log.appendLog(deploymentId, stream, text);
  }
  getLog(deploymentId: number, afterSeq = 0): LogChunk[] {
    return this.log.getLog(deploymentId, afterSeq);
  }

  // config versions (ConfigVersionStore)
  recordConfigVersion(v: ConfigVersionRecord): void {
    this.configs.recordConfigVersion(v);
  }
  lastValidConfig(repo: string): ConfigVersionRecord | undefined {
    return this.configs.lastValidConfig(repo);
  }
  latestConfigVersion(repo: string): ConfigVersionRecord | undefined {
    return this.configs.latestConfigVersion(repo);
  }
  listConfigVersions(repo: string, limit?: number): ConfigVersionRecord[] {
    return this.configs.listConfigVersions(repo, limit);
  }

  // deliveries
  recordDelivery(input: DeliveryInput): number {
    return this.deliveries.recordDelivery(input);
  }
  setDeliveriesLimit(limit: number): void {
    this.deliveries.setDeliveriesLimit(limit);
  }
  listDeliveries(opts: DeliveryListOptions): Page<DeliveryRow> {
    return this.deliveries.listDeliveries(opts);
  }
  getDelivery(id: number): DeliveryWithBody | undefined {
    return this.deliveries.getDelivery(id);
  }

  // ── deployment outcomes leaving the host (SPEC §9) ──

  /** Whether any delivery for the repo ever announced `sha` as a new head. */
  headAnnounced(repo: string, sha: string): boolean {
    return this.outcomeQueries.headAnnounced(repo, sha);
  }

  /** Whether a `missed` entry for this head is in the deliveries log already. */
  missedRecorded(repo: string, sha: string): boolean {
    return this.outcomeQueries.missedRecorded(repo, sha);
  }

  /** How the last succeeded-or-failed deployment of the repo on the host before this one ended. */
  previousOutcome(repo: string, host: string, beforeDeploymentId: number): 'succeeded' | 'failed' | undefined {
    return this.outcomeQueries.previousOutcome(repo, host, beforeDeploymentId);
  }

  /** Outgoing messages by kind, lane and status, for /metrics. */
  countOutboxByTarget(): { kind: string; target: string; status: string; count: number }[] {
    return this.outcomeQueries.countOutboxByTarget();
  }

  /** The provider of the repo's newest push event (not the generic trigger), if any came. */
  lastWebhookProvider(repo: string): string | undefined {
    return this.outcomeQueries.lastWebhookProvider(repo);
  }

  // pins
  setPin(repo: string, host: string, commit: string, by: string | null): void {
    this.pins.setPin(repo, host, commit, by);
  }
  getPin(repo: string, host: string): Pin | undefined {
    return this.pins.getPin(repo, host);
  }
  clearPin(repo: string, host: string): boolean {
    return this.pins.clearPin(repo, host);
  }

  // history charts and search
  recentOutcomes(repo: string, host: string, limit: number): DeploymentOutcome[] {
    return this.outcomes.recentOutcomes(repo, host, limit);
  }
  outcomeCounts(repo: string, host: string, sinceIso: string): OutcomeCounts {
    return this.outcomes.outcomeCounts(repo, host, sinceIso);
  }
  searchCommits(repo: string, q: CommitSearch): Page<CommitRow> {
    return this.search.searchCommits(repo, q);
  }
  indexPendingCommits(max?: number): number {
    return this.commitIndex.indexPendingCommits(max);
  }
  unindexedCommits(): number {
    return this.commitIndex.unindexedCommits();
  }
  searchDeploymentsBySha(repo: string, prefix: string, opts: { limit: number; before?: string }): Page<Deployment> {
    return this.deployments.searchDeploymentsBySha(repo, prefix, opts);
  }
  deploymentsOfCommit(repo: string, sha: string, limit: number): Deployment[] {
    return this.deployments.deploymentsOfCommit(repo, sha, limit);
  }

  // commits remembered as bad (SPEC §10)
  rememberBadCommit(repo: string, host: string, commit: string, deploymentId: number | null, reason: string | null): void {
    this.badCommits.rememberBadCommit(repo, host, commit, deploymentId, reason);
  }
  badCommit(repo: string, host: string, commit: string): BadCommit | undefined {
    return this.badCommits.badCommit(repo, host, commit);
  }
  forgetBadCommit(repo: string, host: string, commit: string): boolean {
    return this.badCommits.forgetBadCommit(repo, host, commit);
  }

  // outbox (OutboxStore)
  enqueueOutbox(messages: OutboxMessageInput[]): number[] {
    return this.outbox.enqueue(messages);
  }
  dueOutbox(now: string, limit: number): OutboxMessage[] {
    return this.outbox.dueMessages(now, limit);
  }
  claimOutbox(id: number, now: string, leaseUntil: string): OutboxMessage | undefined {
    return this.outbox.claimAttempt(id, now, leaseUntil);
  }
  recordOutboxAttempt(id: number, attempt: Omit<OutboxAttempt, 'ok' | 'error'>, result: OutboxAttemptResult): void {
    this.outbox.recordAttempt(id, attempt, result);
  }
  getOutboxMessage(id: number): OutboxMessage | undefined {
    return this.outbox.get(id);
  }
  /** A deployment's outgoing messages, oldest first (its `notifications: [...]`). */
  outboxOfDeployment(deploymentId: number): OutboxMessage[] {
    return this.outbox.ofDeployment(deploymentId);
  }
  outboxAttempts(id: number): OutboxAttempt[] {
    return this.outbox.attempts(id);
  }
  countOutbox(status?: OutboxStatus): number {
    return this.outbox.countMessages(status);
  }

  // health
  /** The database answers a query (for /healthz). */
  healthCheck(): boolean {
    try {
      return this.db.prepare('SELECT 1').pluck().get() === 1;
    } catch {
      return false;
    }
  }
  /**
   * A write that keeps nothing (the header's application_id set to its own value, in a
   * BEGIN IMMEDIATE transaction): it fails the way a real write would on a read-only,
   * full or damaged database. Throws SQLite's error.
   */
  probeWrite(): void {
    this.db
      .transaction(() => {
        const id = this.db.pragma('application_id', { simple: true }) as number;
        this.db.pragma(`application_id = ${Math.trunc(id)}`);
      })
      .immediate();
  }
  /** `PRAGMA integrity_check`: "ok", or the problems found, one per line. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}
