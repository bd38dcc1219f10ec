import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '../helpers/git-fixture';
import { DATABASE_FILE, openStore, type Store } from '../../lib/store';
import { CommitIndexer } from '../../lib/history/commit-indexer';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function freshStore(): { store: Store; dataDir: string } {
  const dir = makeTempDir('ig-commit-index-');
  dirs.push(dir);
  const dataDir = path.join(dir, 'data');
  return { store: openStore(dataDir), dataDir };
}

const sha = (n: number) => n.toString(16).padStart(40, '0');

/** A push as the webhook stores it: inside the group commit's durable transaction. */
function push(store: Store, first: number, messages: string[]): void {
  store.durably(() =>
    store.recordPushEvents([
      {
        repo: 'app',
        provider: 'github',
        deliveryId: `d${first}`,
        eventType: 'push',
        ref: 'refs/heads/master',
        branch: 'master',
        before: '0'.repeat(40),
        after: sha(first + messages.length - 1),
        created: false,
        deleted: false,
        forced: false,
        commits: messages.map((message, i) => ({ id: sha(first + i), message, authorName: 'Ada Lovelace', authorEmail: 'ada@example.com', timestamp: '2025-01-01T00:00:00Z' })),
        jobs: [{ branch: 'master', trigger: 'webhook' }],
      },
    ]),
  );
}

const find = (store: Store, word: string) => store.searchCommits('app', { match: `{message} : "${word}"`, limit: 10 }).items.map((c) => c.message);
const ftsWrites = (store: Store) => store.db.prepare('SELECT count(*) FROM commits_fts_data').pluck().get() as number;
/** FTS5's own check of the index against the commits table (rank 1: compare with the content) */
const indexMatchesCommits = (store: Store) => store.db.prepare("INSERT INTO commits_fts (commits_fts, rank) VALUES ('integrity-check', 1)").run();

describe('commit search index, filled in batches off the webhook transaction (migration 008)', () => {
  it('storing a push writes nothing to the index; a search indexes what is pending first and finds it', () => {
    const { store } = freshStore();
    try {
      const before = ftsWrites(store);
      push(store, 1, ['Add the pricing page', 'Fix the invoice totals']);
      expect(ftsWrites(store)).toBe(before);
      expect(store.unindexedCommits()).toBe(2);
      expect(find(store, 'pricing')).toEqual(['Add the pricing page']);
      expect(store.unindexedCommits()).toBe(0);
      expect(() => indexMatchesCommits(store)).not.toThrow();
    } finally {
      store.close();
    }
  });

  it('indexes in batches of the size asked, oldest first', () => {
    const { store } = freshStore();
    try {
      push(store, 1, ['one alpha', 'two alpha', 'three alpha', 'four alpha', 'five alpha']);
      expect(store.indexPendingCommits(2)).toBe(2);
      expect(store.unindexedCommits()).toBe(3);
      expect(store.db.prepare("SELECT rowid FROM commits_fts WHERE commits_fts MATCH 'alpha' ORDER BY rowid").pluck().all()).toEqual([1, 2]);
      expect(store.indexPendingCommits(10)).toBe(3);
      expect(store.indexPendingCommits(10)).toBe(0);
    } finally {
      store.close();
    }
  });

  it('the server indexer makes new commits searchable within its interval, without a search asking', async () => {
    const { store } = freshStore();
    const warnings: string[] = [];
    const indexer = new CommitIndexer(store, { warn: (m: string) => warnings.push(m) } as never, 20);
    indexer.start();
    try {
      push(store, 1, ['Deploy the widget']);
      const deadline = Date.now() + 2_000;
      while (store.unindexedCommits() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(store.unindexedCommits()).toBe(0);
      expect(store.db.prepare("SELECT rowid FROM commits_fts WHERE commits_fts MATCH 'widget'").pluck().all()).toEqual([1]);
      expect(warnings).toEqual([]);
    } finally {
      indexer.stop();
      store.close();
    }
  });

  it('keeps the index whole when indexed and pending commits are deleted, and indexes an id SQLite hands out again', () => {
    const { store } = freshStore();
    try {
      push(store, 1, ['kept words', 'dropped words', 'newest words']);
      expect(store.indexPendingCommits()).toBe(3);
      push(store, 10, ['pending words']);
      store.db.prepare('DELETE FROM push_event_commits WHERE commit_id >= 3').run();
      // an indexed row and a pending one: only the indexed one leaves the index
      store.db.prepare('DELETE FROM commits WHERE id >= 3').run();
      expect(() => indexMatchesCommits(store)).not.toThrow();
      // the highest id is free again: the next commit gets id 3, and is indexed
      push(store, 20, ['reborn words']);
      expect(store.db.prepare('SELECT max(id) FROM commits').pluck().get()).toBe(3);
      expect(find(store, 'reborn')).toEqual(['reborn words']);
      expect(find(store, 'words').sort()).toEqual(['dropped words', 'kept words', 'reborn words']);
      expect(() => indexMatchesCommits(store)).not.toThrow();
    } finally {
      store.close();
    }
  });

  it('a search while another process holds the write lock answers from what is indexed, without waiting', () => {
    const { store, dataDir } = freshStore();
    const other = new Database(path.join(dataDir, DATABASE_FILE));
    try {
      push(store, 1, ['older words']);
      store.indexPendingCommits();
      push(store, 2, ['newer words']);
      store.setBusyTimeout(10);
      other.prepare('BEGIN IMMEDIATE').run();
      expect(find(store, 'words')).toEqual(['older words']);
      other.prepare('ROLLBACK').run();
      expect(find(store, 'words')).toEqual(['newer words', 'older words']);
    } finally {
      other.close();
      store.close();
    }
  });
});
