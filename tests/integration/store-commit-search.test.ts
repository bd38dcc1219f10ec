import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '../helpers/git-fixture';
import { applyMigrations, DATABASE_FILE, loadMigrations, openStore, type Store } from '../../lib/store';
import { searchHistory } from '../../lib/history/search-history';
import { settingsFromObject } from '../../lib/settings/load-settings';

const MIGRATIONS = loadMigrations();

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function push(store: Store, repo: string, commits: Array<{ id: string; message: string; authorName?: string }>, deliveryId?: string): number {
  return store.recordPushEvent({
    repo,
    provider: 'github',
    deliveryId,
    eventType: 'push',
    ref: 'refs/heads/master',
    branch: 'master',
    before: '0'.repeat(40),
    after: commits[commits.length - 1].id,
    created: false,
    deleted: false,
    forced: false,
    pusher: 'ada',
    commits: commits.map((c) => ({ ...c, authorName: c.authorName ?? 'Ada Lovelace', authorEmail: 'ada@example.com', timestamp: '2025-01-01T00:00:00Z' })),
    jobs: [],
  }).eventId;
}

const sha = (n: number, prefix = '') => (prefix + n.toString(16)).padStart(40, '0');

function settingsFor(dir: string, repos: string[]) {
  return settingsFromObject(
    { listen: { host: '127.0.0.1', port: 0 }, dataDir: path.join(dir, 'data'), hostname: 'web1', allowedRoots: [dir], repos: Object.fromEntries(repos.map((r) => [r, { url: `https://git.example.com/${r}.git`, secret: 'x' }])) },
    { file: path.join(dir, 'settings.json'), baseDir: dir, env: {} },
  );
}

describe('commit search (FTS5, migration 004)', () => {
  it('backfills the commits stored before the migration', () => {
    const dir = makeTempDir('ig-search-');
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    // a database of the previous schema, with history in it
    const searchVersion = MIGRATIONS.find((m) => m.name === 'history-search')!.version;
    const before = MIGRATIONS.filter((m) => m.version < searchVersion);
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    applyMigrations(db, 'test.db', before);
    db.prepare("INSERT INTO repos (name, created_at) VALUES ('app', '2025-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO commits (repo, sha, branch, message, author_name, timestamp, recorded_at) VALUES ('app', ?, 'master', 'Add the pricing page', 'Grace Hopper', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')").run(sha(1));
    db.close();
    const store = openStore(dataDir);
    try {
      const hits = store.searchCommits('app', { match: '{message} : "pricing"', limit: 10 });
      expect(hits.items.map((c) => c.id)).toEqual([sha(1)]);
    } finally {
      store.close();
    }
  });

  it('finds words, authors and sha prefixes in one repo only, newest first, in keyset pages', () => {
    const dir = makeTempDir('ig-search-');
    dirs.push(dir);
    const settings = settingsFor(dir, ['app', 'other']);
    const store = openStore(path.join(dir, 'data'));
    try {
      for (let i = 1; i <= 25; i++) push(store, 'app', [{ id: sha(i, 'aa'), message: `Deploy the widget, part ${i}` }], `d${i}`);
      push(store, 'app', [{ id: sha(100, 'bb'), message: 'Fix the login form', authorName: 'Grace Hopper' }], 'd100');
      push(store, 'other', [{ id: sha(200, 'cc'), message: 'Deploy the widget elsewhere' }], 'd200');
      const page1 = searchHistory(settings, store, 'app', { q: 'widget' });
      expect(page1.commits).toHaveLength(20);
      expect(page1.commits[0].message).toBe('Deploy the widget, part 25');
      const page2 = searchHistory(settings, store, 'app', { q: 'widget', commitsBefore: page1.next.commits });
      expect(page2.commits.map((c) => c.message)).toEqual([5, 4, 3, 2, 1].map((i) => `Deploy the widget, part ${i}`));
      expect(page2.next.commits).toBeUndefined();
      // a prefix when asked ("log*"), whole words otherwise, every word required, authors by name
      expect(searchHistory(settings, store, 'app', { q: 'log*' }).commits.map((c) => c.id)).toEqual([sha(100, 'bb')]);
      expect(searchHistory(settings, store, 'app', { q: 'log' }).commits).toEqual([]);
      expect(searchHistory(settings, store, 'app', { q: 'widget login' }).commits).toEqual([]);
      expect(searchHistory(settings, store, 'app', { q: 'grace' }).commits.map((c) => c.id)).toEqual([sha(100, 'bb')]);
      // a sha prefix, with its push
      const bySha = searchHistory(settings, store, 'app', { q: sha(100, 'bb').slice(0, 38) });
      expect(bySha.shaPrefix).toBe(sha(100, 'bb').slice(0, 38));
      expect(bySha.commits.map((c) => [c.id, c.push?.pusher])).toEqual([[sha(100, 'bb'), 'ada']]);
      // FTS operators typed by a user are words, not syntax
      expect(searchHistory(settings, store, 'app', { q: 'widget OR NOT login' }).commits).toEqual([]);
      expect(searchHistory(settings, store, 'app', { q: 'message:fix' }).commits).toEqual([]); // a phrase, not a column filter
    } finally {
      store.close();
    }
  });

  it('keeps the index in step when a commit is updated or deleted (triggers)', () => {
    const dir = makeTempDir('ig-search-');
    dirs.push(dir);
    const store = openStore(path.join(dir, 'data'));
    try {
      push(store, 'app', [{ id: sha(1), message: 'first words' }]);
      store.db.prepare("UPDATE commits SET message = 'second words' WHERE sha = ?").run(sha(1));
      const q = (word: string) => store.searchCommits('app', { match: `{message} : "${word}"`, limit: 5 }).items.length;
      expect([q('first'), q('second')]).toEqual([0, 1]);
      store.db.prepare('DELETE FROM push_event_commits').run();
      store.db.prepare('DELETE FROM commits').run();
      expect(q('second')).toBe(0);
      expect(store.db.prepare("INSERT INTO commits_fts (commits_fts) VALUES ('integrity-check')").run().changes).toBeGreaterThanOrEqual(0);
    } finally {
      store.close();
    }
  });
});
