import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { CommitListOptions, CommitRow, Page, PushCommitInput } from './types';
import { checkLimit, checkName, parseCursor, toIsoUtc, toPage } from './sql-helpers';

const COLUMNS = 'id, repo, sha, branch, message, author_name, author_email, timestamp, url, event_id, recorded_at';

// `+id`: sort the few rows the (repo, sha, branch) index finds, instead of walking the repo index
export const GET_COMMIT_SQL = `SELECT ${COLUMNS} FROM commits WHERE repo = ? AND sha = ? ORDER BY +id LIMIT 1`;

/** Newest first (order of arrival), keyset on the row id; both use an index ending in id. */
export const LIST_COMMITS_SQL = `SELECT ${COLUMNS} FROM commits WHERE repo = ? AND id < ? ORDER BY id DESC LIMIT ?`;
export const LIST_BRANCH_COMMITS_SQL = `SELECT ${COLUMNS} FROM commits WHERE repo = ? AND branch = ? AND id < ? ORDER BY id DESC LIMIT ?`;

interface CommitDbRow {
  id: number;
  repo: string;
  sha: string;
  branch: string | null;
  message: string;
  author_name: string;
  author_email: string | null;
  timestamp: string;
  url: string | null;
  event_id: number | null;
  recorded_at: string;
}

export function toCommitRow(r: CommitDbRow): CommitRow {
  return {
    seq: r.id,
    repo: r.repo,
    id: r.sha,
    branch: r.branch,
    message: r.message,
    authorName: r.author_name,
    authorEmail: r.author_email,
    timestamp: r.timestamp,
    url: r.url,
    eventId: r.event_id,
    recordedAt: r.recorded_at,
  };
}

/** Commits as pushed, one row per commit and branch. */
export class CommitsTable {
  private readonly sql: Statements<'insert' | 'findOnBranch' | 'link' | 'listAll' | 'listBranch' | 'count' | 'bySha' | 'ofEvent'>;

  constructor(ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'commits', {
      insert: (prepare) => prepare(
        `INSERT INTO commits (repo, sha, branch, message, author_name, author_email, timestamp, url, event_id, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
      ).pluck(),
      findOnBranch: (prepare) => prepare("SELECT id FROM commits WHERE repo = ? AND sha = ? AND ifnull(branch, '') = ifnull(?, '')").pluck(),
      link: (prepare) => prepare('INSERT INTO push_event_commits (event_id, commit_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      listAll: (prepare) => prepare(LIST_COMMITS_SQL),
      listBranch: (prepare) => prepare(LIST_BRANCH_COMMITS_SQL),
      count: (prepare) => prepare('SELECT count(*) FROM commits WHERE repo = ?').pluck(),
      bySha: (prepare) => prepare(GET_COMMIT_SQL),
      ofEvent: (prepare) => prepare(
        `SELECT ${COLUMNS.split(', ').map((c) => 'c.' + c).join(', ')} FROM push_event_commits pc JOIN commits c ON c.id = pc.commit_id
         WHERE pc.event_id = ? ORDER BY pc.position`,
      ),
    });
  }

  /** Store the commits of one push (inside its transaction); a commit already on that branch is only linked. */
  addForEvent(repo: string, branch: string | null, eventId: number, commits: PushCommitInput[], at: string): void {
    commits.forEach((c, position) => {
      const sha = checkName('commit id', c.id);
      const inserted = this.sql.insert.get(
        repo,
        sha,
        branch,
        typeof c.message === 'string' ? c.message : '',
        typeof c.authorName === 'string' ? c.authorName : '',
        c.authorEmail ?? null,
        toIsoUtc(c.timestamp, at),
        c.url ?? null,
        eventId,
        at,
      ) as number | undefined;
      const commitId = inserted ?? (this.sql.findOnBranch.get(repo, sha, branch) as number);
      this.sql.link.run(eventId, commitId, position);
    });
  }

  listCommits(repo: string, opts: CommitListOptions): Page<CommitRow> {
    const limit = checkLimit(opts.limit);
    const before = parseCursor(opts.before);
    const rows = (
      opts.branch !== undefined ? this.sql.listBranch.all(repo, opts.branch, before, limit + 1) : this.sql.listAll.all(repo, before, limit + 1)
    ) as CommitDbRow[];
    return toPage(rows, limit, toCommitRow);
  }

  countCommits(repo: string): number {
    return this.sql.count.get(repo) as number;
  }

  /** The first recorded row of this sha in the repo (any branch). */
  getCommit(repo: string, sha: string): CommitRow | undefined {
    const row = this.sql.bySha.get(repo, sha) as CommitDbRow | undefined;
    return row && toCommitRow(row);
  }

  /** The commits one push carried, in payload order. */
  commitsOfEvent(eventId: number): CommitRow[] {
    return (this.sql.ofEvent.all(eventId) as CommitDbRow[]).map(toCommitRow);
  }
}
