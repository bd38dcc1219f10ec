import Database from 'better-sqlite3';
import { useTempDirs } from '../helpers/temp-store';
import { GET_COMMIT_SQL, LIST_BRANCH_COMMITS_SQL, LIST_COMMITS_SQL } from '../../lib/store/commits';
import { DEPLOYED_COMMIT_SQL, LAST_DEPLOYMENT_SQL, listDeploymentsSql } from '../../lib/store/deployments';
import { listDeliveriesSql } from '../../lib/store/deliveries';
import { MEDIAN_DURATION_SQL, OUTCOME_COUNTS_SQL, RECENT_OUTCOMES_SQL } from '../../lib/store/deployment-outcomes';
import { SEARCH_COMMITS_FTS_SQL, SEARCH_COMMITS_SHA_SQL } from '../../lib/store/commit-search';
import { SEARCH_DEPLOYMENTS_SHA_SQL, DEPLOYMENTS_OF_COMMIT_SQL } from '../../lib/store/deployments';
import { LIST_BRANCH_PUSH_EVENTS_SQL, LIST_PUSH_EVENTS_SQL } from '../../lib/store/push-events';
import { RUNNING_JOBS_OF_HOST_SQL } from '../../lib/store/jobs';
import { openStore, type CommitRow, type Store } from '../../lib/store';

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

/** The plan's lines; a keyset query must SEARCH an index, never SCAN a table or sort in a temp b-tree. */
function plan(db: Database.Database, sql: string, params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

function expectIndexedSearch(db: Database.Database, sql: string, params: unknown[]): void {
  const lines = plan(db, sql, params);
  expect(lines.join('\n')).toMatch(/SEARCH \w+ USING (COVERING )?INDEX|SEARCH \w+ USING INTEGER PRIMARY KEY/);
  for (const line of lines) {
    expect(line).not.toMatch(/^SCAN/);
    expect(line).not.toMatch(/TEMP B-TREE/);
  }
}

const MAX = Number.MAX_SAFE_INTEGER;

function checkEveryListQuery(db: Database.Database): void {
  // getCommit: found through the sha index whatever the size of the repo's history
  expect(plan(db, GET_COMMIT_SQL, ['app', 'abc']).join('\n')).toMatch(/SEARCH commits USING INDEX commits_repo_sha_branch/);
  expectIndexedSearch(db, LIST_COMMITS_SQL, ['app', MAX, 51]);
  expectIndexedSearch(db, LIST_BRANCH_COMMITS_SQL, ['app', 'master', MAX, 51]);
  expectIndexedSearch(db, LIST_PUSH_EVENTS_SQL, ['app', MAX, 51]);
  expectIndexedSearch(db, LIST_BRANCH_PUSH_EVENTS_SQL, ['app', 'master', MAX, 51]);
  expectIndexedSearch(db, listDeploymentsSql({ status: false, branch: false }), ['app', MAX, 51]);
  expectIndexedSearch(db, listDeploymentsSql({ status: true, branch: false }), ['app', 'failed', MAX, 51]);
  expectIndexedSearch(db, listDeploymentsSql({ status: false, branch: true }), ['app', 'master', MAX, 51]);
  expectIndexedSearch(db, listDeploymentsSql({ status: true, branch: true }), ['app', 'failed', 'master', MAX, 51]);
  expectIndexedSearch(db, LAST_DEPLOYMENT_SQL, ['app', 'web1']);
  expectIndexedSearch(db, DEPLOYED_COMMIT_SQL, ['app', 'web1']);
  expectIndexedSearch(db, listDeliveriesSql({ repo: false, outcome: false }), [MAX, 51]);
  expectIndexedSearch(db, listDeliveriesSql({ repo: true, outcome: false }), ['app', MAX, 51]);
  expectIndexedSearch(db, listDeliveriesSql({ repo: false, outcome: true }), ['rejected', MAX, 51]);
  expectIndexedSearch(db, listDeliveriesSql({ repo: true, outcome: true }), ['app', 'rejected', MAX, 51]);
  // the history charts: the newest N by id, and a covering-index range for 7/30 days
  expectIndexedSearch(db, RECENT_OUTCOMES_SQL, ['app', 'web1', 40]);
  expect(plan(db, OUTCOME_COUNTS_SQL, ['app', 'web1', '2025-01-01']).join('\n')).toMatch(/^SEARCH deployments USING COVERING INDEX deployments_repo_host_finished/);
  expect(plan(db, MEDIAN_DURATION_SQL, ['app', 'web1', '2025-01-01', 1, 0])[0]).toMatch(/^SEARCH deployments USING COVERING INDEX deployments_repo_host_finished/);
  // sha prefixes: a range of the sha index (the few rows found are sorted), never a walk of the repo by id
  expect(plan(db, SEARCH_COMMITS_SHA_SQL, ['app', 'ab', 'ab~', MAX, 21])[0]).toMatch(/^SEARCH c USING INDEX commits_repo_sha_branch \(repo=\? AND sha>\? AND sha<\?\)/);
  expect(plan(db, SEARCH_DEPLOYMENTS_SHA_SQL, ['app', 'ab', 'ab~', MAX, 21])[0]).toMatch(/^SEARCH deployments USING INDEX deployments_repo_commit \(repo=\? AND commit_sha>\? AND commit_sha<\?\)/);
  expectIndexedSearch(db, DEPLOYMENTS_OF_COMMIT_SQL, ['app', 'ab', 3]);
  // recovery at start: the running jobs through the state index, never every job ever queued
  expect(plan(db, RUNNING_JOBS_OF_HOST_SQL, ['web1'])[0]).toMatch(/^SEARCH jobs USING (COVERING )?INDEX jobs_state_repo \(state=\?\)/);
  // search: the full-text index is the outer loop, walked in rowid order (no sort), commits by primary key
  const search = plan(db, SEARCH_COMMITS_FTS_SQL, ['"x"', MAX, 'app', 21]);
  expect(search[0]).toMatch(/^SCAN f VIRTUAL TABLE INDEX/);
  expect(search.join('\n')).toMatch(/SEARCH c USING INTEGER PRIMARY KEY/);
  expect(search.join('\n')).not.toMatch(/TEMP B-TREE/);
}

function hex(n: number): string {
  return n.toString(16).padStart(40, '0');
}

describe('keyset pagination', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(tempDir());
  });
  afterEach(() => store.close());

  it('a queued job adds no entry to the host or coalesced-into indexes (migration 010)', () => {
    const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql LIKE '%host%'").pluck().all();
    expect(indexes).toEqual([]);
    const job = store.enqueueJob({ repo: 'app', branch: 'main', trigger: 'webhook' });
    const entries = store.db.prepare("SELECT ifnull(sum(ncell), 0) FROM dbstat WHERE name = 'jobs_coalesced_into' AND pagetype = 'leaf'").pluck().get();
    expect(entries).toBe(0);
    expect(store.db.prepare("SELECT ifnull(sum(ncell), 0) FROM dbstat WHERE name = 'jobs_repo' AND pagetype = 'leaf'").pluck().get()).toBe(1);
    // every read names a value, which the partial index serves
    expect(plan(store.db, "UPDATE jobs SET deployment_id = 1 WHERE coalesced_into = ? AND state = 'coalesced'", [job]).join('\n')).toMatch(/USING INDEX jobs_coalesced_into/);
    expect(plan(store.db, 'DELETE FROM jobs WHERE id = ?', [job]).join('\n')).toMatch(/USING COVERING INDEX jobs_coalesced_into/);
  });

  it('uses an index for every paginated list, on an empty database', () => {
    checkEveryListQuery(store.db);
  });

  it('walks every commit exactly once, newest first, across pages and branches', () => {
    let n = 0;
    for (let e = 0; e < 23; e++) {
      const branch = e % 3 === 0 ? 'develop' : 'master';
      const commits = Array.from({ length: (e % 4) + 1 }, () => ({ id: hex(++n), message: `c${n}`, authorName: 'a', timestamp: '2024-01-01T00:00:00Z' }));
      store.recordPushEvent({ repo: 'app', provider: 'github', deliveryId: `d${e}`, eventType: 'push', ref: `refs/heads/${branch}`, branch, created: false, deleted: false, forced: false, commits, jobs: [] });
    }
    store.recordPushEvent({ repo: 'other', provider: 'github', deliveryId: 'o', eventType: 'push', ref: 'refs/heads/master', branch: 'master', created: false, deleted: false, forced: false, commits: [{ id: hex(1), message: 'x', authorName: 'a', timestamp: 'x' }], jobs: [] });

    for (const branch of [undefined, 'master', 'develop']) {
      for (const limit of [1, 4, 7, 1000]) {
        const seen: CommitRow[] = [];
        let before: string | undefined;
        let pages = 0;
        do {
          const page = store.listCommits('app', { limit, before, branch });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items);
          before = page.nextCursor;
          pages++;
        } while (before);
        const expected = (branch ? store.db.prepare('SELECT id FROM commits WHERE repo = ? AND branch = ? ORDER BY id DESC').pluck().all('app', branch) : store.db.prepare('SELECT id FROM commits WHERE repo = ? ORDER BY id DESC').pluck().all('app')) as number[];
        expect(seen.map((c) => c.seq)).toEqual(expected);
        expect(new Set(seen.map((c) => c.id)).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    }
    expect(store.countCommits('app')).toBe(n);
  });

  it('refuses bad cursors and page sizes with a message saying what to pass', () => {
    for (const before of ['abc', '-1', '0', '1.5', '1e3', "1' OR 1=1", '99999999999999999999']) {
      expect(() => store.listCommits('app', { limit: 10, before })).toThrow(/invalid page cursor .*nextCursor/);
    }
    for (const limit of [0, -1, 1.5, 1001, NaN]) {
      expect(() => store.listCommits('app', { limit })).toThrow(/invalid page size .*1 to 1000/);
    }
    expect(store.listCommits('app', { limit: 10, before: '' }).items).toEqual([]);
  });

  it('pages through 100,000 commits: first page, a deep page, the last page, all indexed', () => {
    const perPush = 100;
    const pushes = 1000;
    for (let e = 0; e < pushes; e++) {
      const commits = Array.from({ length: perPush }, (_, i) => {
        const n = e * perPush + i + 1;
        return { id: hex(n), message: `commit ${n}`, authorName: 'Dev', timestamp: new Date(Date.UTC(2020, 0, 1) + n * 60000).toISOString() };
      });
      const branch = e % 10 === 0 ? 'develop' : 'master';
      store.recordPushEvent({ repo: 'app', provider: 'github', deliveryId: `bulk-${e}`, eventType: 'push', ref: `refs/heads/${branch}`, branch, created: false, deleted: false, forced: false, commits, jobs: [] });
    }
    expect(store.countCommits('app')).toBe(100_000);
    store.db.exec('ANALYZE');
    checkEveryListQuery(store.db);

    const first = store.listCommits('app', { limit: 50 });
    expect(first.items.map((c) => c.message)).toEqual(Array.from({ length: 50 }, (_, i) => `commit ${100_000 - i}`));

    // page 1000 of 50 = items 49,951..50,000 counted from the newest; reached by following cursors
    let page = first;
    for (let p = 2; p <= 1000; p++) page = store.listCommits('app', { limit: 50, before: page.nextCursor });
    expect(page.items[0].message).toBe(`commit ${100_000 - 999 * 50}`);
    expect(page.items[49].message).toBe('commit 50001');
    // a deep cursor taken directly is as good as one reached by walking
    expect(store.listCommits('app', { limit: 50, before: String(50_001) }).items[0].message).toBe('commit 50000');
    const last = store.listCommits('app', { limit: 50, before: '51' });
    expect(last.items.map((c) => c.message)).toEqual(Array.from({ length: 50 }, (_, i) => `commit ${50 - i}`));
    expect(last.nextCursor).toBeUndefined();

    const develop = store.listCommits('app', { limit: 100, branch: 'develop', before: '50001' });
    expect(develop.items.every((c) => c.branch === 'develop')).toBe(true);
    expect(develop.items[0].message).toBe('commit 49100');
  });
});
