import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { IntegralGitError } from '../errors';
import { DATABASE_FILE } from './open-store';

export interface BackupResult {
  source: string;
  target: string;
  bytes: number;
  pages: number;
}

/**
 * A consistent copy of `<dataDir>/integralgit.db` while the server keeps writing, with
 * SQLite's online backup API (no `sqlite3` CLI needed). Written beside the target under a
 * temporary name, checked with quick_check, then renamed: the target is complete or absent.
 * An existing target is refused, never overwritten.
 */
export async function backupDatabase(dataDir: string, target: string): Promise<BackupResult> {
  const source = path.join(path.resolve(dataDir), DATABASE_FILE);
  const abs = path.resolve(target);
  if (!fs.existsSync(source)) {
    throw new IntegralGitError('IG_DATABASE_UNAVAILABLE', `there is no database to back up at ${source}: check --data-dir / dataDir`, { file: source });
  }
  if (fs.existsSync(abs)) throw new IntegralGitError('IG_USAGE', `${abs} already exists: choose a new file name (a backup never overwrites)`);
  if (!fs.existsSync(path.dirname(abs))) throw new IntegralGitError('IG_USAGE', `the folder ${path.dirname(abs)} does not exist`);
  const tmp = `${abs}.partial-${process.pid}`;
  let db: Database.Database | undefined;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const progress = await db.backup(tmp);
    fs.chmodSync(tmp, 0o600);
    // one self-contained file: the copy inherits WAL mode, which would leave -wal/-shm beside it
    const copy = new Database(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`quick_check of the copy says: ${String(check)}`);
    } finally {
      copy.close();
    }
    fs.renameSync(tmp, abs);
    return { source, target: abs, bytes: fs.statSync(abs).size, pages: progress.totalPages };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (err instanceof IntegralGitError) throw err;
    throw new IntegralGitError('IG_DATABASE_UNAVAILABLE', `backing up ${source} to ${abs} failed: ${(err as Error).message}`, { file: source });
  } finally {
    db?.close();
  }
}
