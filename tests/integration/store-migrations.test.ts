import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { useTempDirs } from '../helpers/temp-store';
import { IntegralGitError } from '../../lib/errors';
import { applyMigrations, DATABASE_FILE, LATEST_SCHEMA_VERSION, loadMigrations, openStore, schemaVersion } from '../../lib/store';

const MIGRATIONS = loadMigrations();

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

const TABLES = ['bad_commits', 'commits', 'commits_fts', 'commits_fts_config', 'commits_fts_data', 'commits_fts_docsize', 'commits_fts_idx', 'commits_fts_state', 'config_versions', 'deliveries', 'deployment_log', 'deployments', 'jobs', 'outbox', 'outbox_attempts', 'pins', 'push_event_commits', 'push_events', 'repos'];

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
}

function caught(fn: () => unknown): IntegralGitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IntegralGitError) return err;
    throw err;
  }
  throw new Error('expected an IntegralGitError');
}

describe('store migrations', () => {
  it('are numbered 1, 2, 3, … with names and SQL', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(m.name).toMatch(/^[a-z0-9-]+$/);
      expect(m.up.trim().length).toBeGreaterThan(0);
    });
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('build the database from zero through every migration', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const store = openStore(dir);
    store.close();
    const file = path.join(dir, DATABASE_FILE);
    expect(fs.existsSync(file)).toBe(true);
    expect(tablesOf(file)).toEqual(TABLES);
    const db = new Database(file, { readonly: true });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('apply one by one to an empty database, each leaving a whole version', () => {
    const db = new Database(':memory:');
    for (const m of MIGRATIONS) {
      expect(applyMigrations(db, ':memory:', MIGRATIONS.slice(0, m.version))).toEqual([m.version]);
      expect(schemaVersion(db)).toBe(m.version);
    }
    expect(applyMigrations(db, ':memory:')).toEqual([]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('set the pragmas on every connection', () => {
    const store = openStore(tempDir());
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    store.close();
  });

  it('reopening is idempotent and keeps the data', () => {
    const dir = tempDir();
    const first = openStore(dir);
    first.ensureRepo('myapp');
    first.close();
    const second = openStore(dir);
    expect(second.listRepos()).toEqual(['myapp']);
    expect(schemaVersion(second.db)).toBe(LATEST_SCHEMA_VERSION);
    second.close();
    expect(tablesOf(path.join(dir, DATABASE_FILE))).toEqual(TABLES);
  });

  it('refuse a database written by a newer IntegralGit, and leave it untouched', () => {
    const dir = tempDir();
    openStore(dir).close();
    const file = path.join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const err = caught(() => openStore(dir));
    expect(err.code).toBe('IG_DATABASE_NEWER');
    expect(err.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    expect(err.message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
    expect(err.message).toContain(file);
    const after = new Database(file, { readonly: true });
    expect(schemaVersion(after)).toBe(LATEST_SCHEMA_VERSION + 1);
    after.close();
  });

  it('roll back a failing migration and say which one failed', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE half_done (x); SELECT * FROM no_such_table;' }];
    const err = caught(() => applyMigrations(db, 'test.db', broken));
    expect(err.code).toBe('IG_INTERNAL');
    expect(err.message).toContain(`migration ${broken.length} (broken) failed`);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuse a migration list with gaps', () => {
    const db = new Database(':memory:');
    const err = caught(() => applyMigrations(db, 'x', [{ version: 2, name: 'skips-one', up: 'SELECT 1' }]));
    expect(err.code).toBe('IG_INTERNAL');
    expect(err.message).toContain('out of order');
    db.close();
  });

  it('explain an unusable dataDir or a file that is not a database', () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'x');
    const notADir = caught(() => openStore(path.join(blocker, 'data')));
    expect(notADir.code).toBe('IG_DATA_DIR_UNWRITABLE');
    expect(notADir.message).toContain('dataDir');

    fs.writeFileSync(path.join(dir, DATABASE_FILE), 'this is not a database, just text long enough to fill a header'.repeat(20));
    const garbage = caught(() => openStore(dir));
    expect(garbage.code).toBe('IG_DATABASE_UNAVAILABLE');
    expect(garbage.message).toContain('restore it from a backup');
  });

  it('an up-to-date database opens without loading any migration module; a fresh one loads them', () => {
    const current = tempDir();
    openStore(current).close();
    const fresh = tempDir();
    jest.isolateModules(() => {
      // loading the first step (every migration run starts there) now fails loudly
      jest.doMock('../../lib/store/migrations/001-initial', () => {
        throw new Error('migration 001 loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../lib/store') as typeof import('../../lib/store');
      isolated.openStoreForReading(current).close();
      isolated.openStore(current).close();
      expect(() => isolated.openStore(fresh)).toThrow(/migration 001 loaded/);
    });
  });
});
