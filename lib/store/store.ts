import type Database from 'better-sqlite3';
import type { ConfigVersionRecord, ConfigVersionStore } from '../config/types';
import type { StoreContext } from './context';
import type { CommitsTable } from './commits';
import type { ConfigVersionsTable } from './config-versions';
import type { DeliveriesTable } from './deliveries';
import type { DeploymentLogTable } from './deployment-log';
import type { DeploymentsTable } from './deployments';
import type { DeploymentOutcomesTable, DeploymentOutcome, OutcomeCounts } from './deployment-outcomes';
import type { CommitSearchTable, CommitSearch } from './commit-search';
import type { CommitIndexTable } from './commit-index';
import type { JobsTable } from './jobs';
import type { OutcomeQueries } from './outcome-queries';
import type { PinsTable } from './pins';
import type { BadCommitsTable } from './bad-commits';
import type { OutboxTable, OutboxAttempt, OutboxAttemptResult, OutboxMessage, OutboxMessageInput, OutboxStatus } from './outbox';
import type { PushEventsTable } from './push-events';
import type { ReposTable } from './repos';
import { checkDeliveriesLimit } from './sql-helpers';
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

import type { RetentionPruner, PruneResult, RetentionLimits } from './retention';

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
  /** the tables built so far (see the getters at the end of the class) */
  private readonly built: Partial<Tables> = {};
  private readonly ctx: StoreContext;
  private readonly defaultSynchronous: 'NORMAL' | 'FULL';
  private readonly deliveriesLimit: number;

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
    this.defaultSynchronous = options.synchronous ?? 'NORMAL';
    this.deliveriesLimit = checkDeliveriesLimit(options.deliveriesLimit ?? DEFAULT_DELIVERIES_LIMIT);
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./recover-interrupted') as typeof import('./recover-interrupted')).recoverInterrupted(this.ctx, this.jobs, this.deployments, host);
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

  /*
   * Each table's module is required, and the table built, on first use: a CLI command uses
   * two or three of the sixteen, and loading them all was ~10 ms of every command that opens
   * the store (issue 16). Their statements are prepared lazily too (lazy-statements.ts).
   */
  /* eslint-disable @typescript-eslint/no-require-imports */
  private get repos(): ReposTable {
    return (this.built.repos ??= new (require('./repos') as typeof import('./repos')).ReposTable(this.ctx));
  }
  private get commits(): CommitsTable {
    return (this.built.commits ??= new (require('./commits') as typeof import('./commits')).CommitsTable(this.ctx));
  }
  private get jobs(): JobsTable {
    return (this.built.jobs ??= new (require('./jobs') as typeof import('./jobs')).JobsTable(this.ctx, this.repos));
  }
  private get pushEvents(): PushEventsTable {
    return (this.built.pushEvents ??= new (require('./push-events') as typeof import('./push-events')).PushEventsTable(this.ctx, this.repos, this.commits, this.jobs, this.defaultSynchronous));
  }
  private get deployments(): DeploymentsTable {
    return (this.built.deployments ??= new (require('./deployments') as typeof import('./deployments')).DeploymentsTable(this.ctx, this.repos));
  }
  private get log(): DeploymentLogTable {
    return (this.built.log ??= new (require('./deployment-log') as typeof import('./deployment-log')).DeploymentLogTable(this.ctx));
  }
  private get configs(): ConfigVersionsTable {
    return (this.built.configs ??= new (require('./config-versions') as typeof import('./config-versions')).ConfigVersionsTable(this.ctx, this.repos));
  }
  private get deliveries(): DeliveriesTable {
    return (this.built.deliveries ??= new (require('./deliveries') as typeof import('./deliveries')).DeliveriesTable(this.ctx, this.deliveriesLimit));
  }
  private get pins(): PinsTable {
    return (this.built.pins ??= new (require('./pins') as typeof import('./pins')).PinsTable(this.ctx, this.repos));
  }
  private get outcomes(): DeploymentOutcomesTable {
    return (this.built.outcomes ??= new (require('./deployment-outcomes') as typeof import('./deployment-outcomes')).DeploymentOutcomesTable(this.ctx));
  }
  private get commitIndex(): CommitIndexTable {
    return (this.built.commitIndex ??= new (require('./commit-index') as typeof import('./commit-index')).CommitIndexTable(this.ctx));
  }
  private get search(): CommitSearchTable {
    return (this.built.search ??= new (require('./commit-search') as typeof import('./commit-search')).CommitSearchTable(this.ctx, this.commitIndex));
  }
  private get retention(): RetentionPruner {
    return (this.built.retention ??= new (require('./retention') as typeof import('./retention')).RetentionPruner(this.ctx));
  }
  private get badCommits(): BadCommitsTable {
    return (this.built.badCommits ??= new (require('./bad-commits') as typeof import('./bad-commits')).BadCommitsTable(this.ctx, this.repos));
  }
  private get outbox(): OutboxTable {
    return (this.built.outbox ??= new (require('./outbox') as typeof import('./outbox')).OutboxTable(this.ctx));
  }
  private get outcomeQueries(): OutcomeQueries {
    return (this.built.outcomeQueries ??= new (require('./outcome-queries') as typeof import('./outcome-queries')).OutcomeQueries(this.ctx));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

interface Tables {
  repos: ReposTable;
  commits: CommitsTable;
  jobs: JobsTable;
  pushEvents: PushEventsTable;
  deployments: DeploymentsTable;
  log: DeploymentLogTable;
  configs: ConfigVersionsTable;
  deliveries: DeliveriesTable;
  pins: PinsTable;
  outcomes: DeploymentOutcomesTable;
  commitIndex: CommitIndexTable;
  search: CommitSearchTable;
  retention: RetentionPruner;
  badCommits: BadCommitsTable;
  outbox: OutboxTable;
  outcomeQueries: OutcomeQueries;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}
