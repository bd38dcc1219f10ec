import type Database from 'better-sqlite3';
import { IntegralGitError } from '../errors';
import { LATEST_SCHEMA_VERSION, loadMigrations, type Migration } from './migrations';

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the schema to the newest version, one transaction per migration with
 * `PRAGMA user_version` bumped inside it, so a crash leaves the database at a whole version.
 * The version is re-read inside each IMMEDIATE transaction: two processes opening a fresh
 * database at once do not both apply the same step.
 * Returns the versions applied by this call. Without `migrations`, this code's own steps,
 * loaded only when the database is behind them.
 */
export function applyMigrations(db: Database.Database, file: string, given?: readonly Migration[]): number[] {
  const migrations = given ?? (schemaVersion(db) < LATEST_SCHEMA_VERSION ? loadMigrations() : []);
  checkMigrationList(migrations);
  const latest = given ? (migrations.length === 0 ? 0 : migrations[migrations.length - 1].version) : LATEST_SCHEMA_VERSION;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new IntegralGitError(
      'IG_DATABASE_NEWER',
      `the database ${file} has schema version ${current}, but this IntegralGit only knows versions up to ${latest}: it was written by a newer IntegralGit. ` +
        'Run that newer version again, or restore a backup taken before the upgrade; this version will not touch it.',
      { file, schemaVersion: current, supportedVersion: latest },
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    const step = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return false;
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    try {
      if (step.immediate()) applied.push(m.version);
    } catch (err) {
      throw new IntegralGitError('IG_INTERNAL', `database migration ${m.version} (${m.name}) failed on ${file}: ${(err as Error).message}; the database was left at version ${schemaVersion(db)}`, {
        file,
        migration: m.version,
      });
    }
  }
  return applied;
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new IntegralGitError('IG_INTERNAL', `migration list out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
    }
  });
}
