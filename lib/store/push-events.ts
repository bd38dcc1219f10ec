import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { CommitsTable } from './commits';
import type { JobsTable } from './jobs';
import type { ReposTable } from './repos';
import type { Page, PageOptions, PushCommitInput, PushEventInput, PushEventResult, PushEventRow } from './types';
import { bool, checkLimit, checkName, parseCursor, toIsoUtc, toPage } from './sql-helpers';

const COLUMNS =
  'e.id, e.repo, e.provider, e.delivery_id, e.event_type, e.ref, e.branch, e.tag, e.before_sha, e.after_sha, e.created, e.deleted, e.forced, e.pusher, e.received_at, e.commits_truncated, ' +
  '(SELECT count(*) FROM push_event_commits pc WHERE pc.event_id = e.id) AS commit_count';

export const LIST_PUSH_EVENTS_SQL = `SELECT ${COLUMNS} FROM push_events e WHERE e.repo = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?`;
export const LIST_BRANCH_PUSH_EVENTS_SQL = `SELECT ${COLUMNS} FROM push_events e WHERE e.repo = ? AND e.branch = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?`;

interface EventDbRow {
  id: number;
  repo: string;
  provider: string;
  delivery_id: string | null;
  event_type: string;
  ref: string;
  branch: string | null;
  tag: string | null;
  before_sha: string | null;
  after_sha: string | null;
  created: number;
  deleted: number;
  forced: number;
  pusher: string | null;
  received_at: string;
  commits_truncated: number;
  commit_count: number;
}

function toEvent(r: EventDbRow): PushEventRow {
  return {
    id: r.id,
    repo: r.repo,
    provider: r.provider,
    deliveryId: r.delivery_id,
    eventType: r.event_type,
    ref: r.ref,
    branch: r.branch,
    tag: r.tag,
    before: r.before_sha,
    after: r.after_sha,
    created: bool(r.created),
    deleted: bool(r.deleted),
    forced: bool(r.forced),
    pusher: r.pusher,
    receivedAt: r.received_at,
    commitsTruncated: bool(r.commits_truncated),
    commitCount: r.commit_count,
  };
}

/**
 * A push as delivered, stored with its commits and jobs in one transaction that is on disk
 * (`synchronous=FULL`) before it returns: the webhook answers 202 only after this.
 */
export class PushEventsTable {
  private readonly sql: Statements<'insert' | 'clearTruncated' | 'original' | 'byId' | 'listAll' | 'listBranch'>;
  private readonly record: (input: PushEventInput) => PushEventResult;
  private readonly recordMany: (inputs: PushEventInput[]) => PushEventResult[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
    private readonly commits: CommitsTable,
    private readonly jobs: JobsTable,
    private readonly defaultSynchronous: 'NORMAL' | 'FULL',
  ) {
    const db = ctx.db;
    const tx = db.transaction((input: PushEventInput) => this.insertEvent(input));
    this.record = (input) => tx.immediate(input);
    const txMany = db.transaction((inputs: PushEventInput[]) => inputs.map((input) => this.insertEvent(input)));
    this.recordMany = (inputs) => txMany.immediate(inputs);
    this.sql = lazyStatements(ctx.db, 'push_events', {
      // The unique index on (provider, delivery_id) decides duplicates, also across processes.
      insert: (prepare) => prepare(
        `INSERT INTO push_events (repo, provider, delivery_id, event_type, ref, branch, tag, before_sha, after_sha, created, deleted, forced, pusher, received_at, commits_truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
      ).pluck(),
      clearTruncated: (prepare) => prepare('UPDATE push_events SET commits_truncated = 0 WHERE id = ?'),
      original: (prepare) => prepare('SELECT id FROM push_events WHERE provider = ? AND delivery_id = ?').pluck(),
      byId: (prepare) => prepare(`SELECT ${COLUMNS} FROM push_events e WHERE e.id = ?`),
      listAll: (prepare) => prepare(LIST_PUSH_EVENTS_SQL),
      listBranch: (prepare) => prepare(LIST_BRANCH_PUSH_EVENTS_SQL),
    });
  }

  /** Several refs of one delivery (Bitbucket, multi-ref pushes): all stored or none, one fsync. */
  recordPushEvents(inputs: PushEventInput[]): PushEventResult[] {
    for (const input of inputs) {
      checkName('repo', input.repo);
      checkName('provider', input.provider);
    }
    // inside Store.durably() (group commit): the caller's transaction is already FULL
    if (this.ctx.db.inTransaction) return inputs.map((input) => this.insertEvent(input));
    this.ctx.db.pragma('synchronous = FULL');
    try {
      return this.recordMany(inputs);
    } finally {
      this.ctx.db.pragma(`synchronous = ${this.defaultSynchronous}`);
    }
  }

  recordPushEvent(input: PushEventInput): PushEventResult {
    checkName('repo', input.repo);
    checkName('provider', input.provider);
    if (this.ctx.db.inTransaction) return this.insertEvent(input);
    // synchronous cannot change inside a transaction, so it wraps this one
    this.ctx.db.pragma('synchronous = FULL');
    try {
      return this.record(input);
    } finally {
      this.ctx.db.pragma(`synchronous = ${this.defaultSynchronous}`);
    }
  }

  private insertEvent(input: PushEventInput): PushEventResult {
    const at = this.ctx.now();
    this.repos.ensureRepo(input.repo);
    const deliveryId = input.deliveryId ?? null;
    const branch = input.branch ?? null;
    const eventId = this.sql.insert.get(
      input.repo,
      input.provider,
      deliveryId,
      input.eventType,
      input.ref,
      branch,
      input.tag ?? null,
      input.before ?? null,
      input.after ?? null,
      input.created ? 1 : 0,
      input.deleted ? 1 : 0,
      input.forced ? 1 : 0,
      input.pusher ?? null,
      toIsoUtc(input.receivedAt, at),
      input.commitsTruncated ? 1 : 0,
    ) as number | undefined;
    if (eventId === undefined) {
      const originalId = this.sql.original.get(input.provider, deliveryId) as number;
      return { duplicate: true, eventId: originalId, jobIds: this.jobs.jobsOfEvent(originalId).map((j) => j.id) };
    }
    this.commits.addForEvent(input.repo, branch, eventId, input.commits ?? [], at);
    const jobIds = (input.jobs ?? []).map((j) => this.jobs.enqueueJob({ repo: input.repo, branch: j.branch, trigger: j.trigger, eventId }));
    return { duplicate: false, eventId, jobIds };
  }

  /** Commits read from git for an event whose payload had none or only some (Bitbucket Server). */
  fillEventCommits(eventId: number, commits: PushCommitInput[]): void {
    const event = this.getPushEvent(eventId);
    if (!event) return;
    this.ctx.write(() => {
      this.commits.addForEvent(event.repo, event.branch, eventId, commits, this.ctx.now());
      this.sql.clearTruncated.run(eventId);
    });
  }

  getPushEvent(id: number): PushEventRow | undefined {
    const row = this.sql.byId.get(id) as EventDbRow | undefined;
    return row && toEvent(row);
  }

  listPushEvents(repo: string, opts: PageOptions & { branch?: string }): Page<PushEventRow> {
    const limit = checkLimit(opts.limit);
    const before = parseCursor(opts.before);
    const rows = (
      opts.branch !== undefined ? this.sql.listBranch.all(repo, opts.branch, before, limit + 1) : this.sql.listAll.all(repo, before, limit + 1)
    ) as EventDbRow[];
    return toPage(rows, limit, toEvent);
  }
}
