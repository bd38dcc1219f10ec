import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { IntegralGitError, isIntegralGitError } from '../errors';
import { applyMigrations } from './migrate';
import { ensureDataDir } from './ensure-data-dir';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { Store } from './store';
import type { StoreOptions } from './types';

export const DATABASE_FILE = 'integralgit.db';

let addonFile: string | undefined | null;
/**
 * The compiled SQLite addon, named directly: left to itself better-sqlite3 finds it through
 * the `bindings` package, which stats a dozen candidate paths on every process start.
 * undefined (that search) when the addon lives elsewhere, e.g. a debug build.
 */
function nativeBinding(): { nativeBinding?: string } {
  if (addonFile === undefined) {
    try {
      addonFile = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      addonFile = null;
    }
  }
  return addonFile ? { nativeBinding: addonFile } : {};
}

/**
 * Open (creating if needed) `<dataDir>/integralgit.db`, set the pragmas and bring the
 * schema up to date. WAL lets the pages read while a deployment writes; busy_timeout lets
 * the server and a CLI command share the file.
 */
export function openStore(dataDir: string, options: StoreOptions = {}): Store {
  const file = path.join(path.resolve(dataDir), DATABASE_FILE);
  ensureDataDir(dataDir);
  let db: Database.Database;
  try {
    db = new Database(file, nativeBinding());
  } catch (err) {
    throw new IntegralGitError(
      'IG_DATABASE_UNAVAILABLE',
      `cannot open the database ${file}: ${(err as Error).message}. Check that dataDir (${dataDir}) is writable by the service user`,
      { file },
    );
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // statement journals and sorts in memory: on disk they were a dozen temp-file writes per webhook
    db.pragma('temp_store = MEMORY');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    if (options.checkIntegrity) assertIntact(db, file);
    applyMigrations(db, file);
    return new Store(db, file, options);
  } catch (err) {
    db.close();
    if (isIntegralGitError(err)) throw err;
    throw new IntegralGitError(
      'IG_DATABASE_UNAVAILABLE',
      `cannot use the database ${file}: ${(err as Error).message}. If the file is damaged, restore it from a backup (see docs/reference/database.md)`,
      { file },
    );
  }
}

/**
 * A file with damaged pages opens and answers the first queries, then fails every write
 * that touches them: a server started on it would say "healthy" and answer every push 503.
 * quick_check reads every page once (O(size), no index cross-check), so it runs at start only.
 */
function assertIntact(db: Database.Database, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((r) => r.quick_check).filter((r) => r !== 'ok');
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (problems.length === 0) return;
  throw new IntegralGitError(
    'IG_DATABASE_CORRUPT',
    `the database ${file} is damaged (quick_check: ${problems.join('; ')}). Stop here rather than lose records: restore it from a backup ` +
      `(\`integralgit backup\` output, see docs/reference/database.md), or move it aside to start with an empty history`,
    { file, problems },
  );
}

/**
 * For commands that only look (`status`, `deliveries`, `trigger --dry-run`): never creates
 * or migrates the database. A data dir without one reads as empty; an older schema than
 * this code knows is upgraded only by a command that writes.
 */
export function openStoreForReading(dataDir: string, options: StoreOptions = {}): Store {
  const file = path.join(path.resolve(dataDir), DATABASE_FILE);
  if (!fs.existsSync(file)) {
    const db = new Database(':memory:', nativeBinding());
    applyMigrations(db, ':memory:');
    return new Store(db, file, options);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...nativeBinding() });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new IntegralGitError('IG_DATABASE_UNAVAILABLE', `cannot read the database ${file}: ${(err as Error).message}`, { file });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < LATEST_SCHEMA_VERSION) {
    db.close();
    return openStore(dataDir, options);
  }
  if (version > LATEST_SCHEMA_VERSION) {
    db.close();
    throw new IntegralGitError('IG_DATABASE_NEWER', `the database ${file} is at schema version ${version}, newer than this IntegralGit knows (${LATEST_SCHEMA_VERSION}): upgrade IntegralGit`, { file });
  }
  return new Store(db, file, options);
}
