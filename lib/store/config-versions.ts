import { IntegralGitError, type Problem } from '../errors';
import type { ConfigVersionRecord, ConfigVersionStore, RepoConfig } from '../config/types';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { ReposTable } from './repos';
import { checkName, parseJsonArray } from './sql-helpers';

const COLUMNS = 'repo, commit_sha, raw, valid, errors, config, fetched_at';

interface ConfigDbRow {
  repo: string;
  commit_sha: string;
  raw: string;
  valid: number;
  errors: string;
  config: string | null;
  fetched_at: string;
}

function toRecord(r: ConfigDbRow): ConfigVersionRecord {
  const record: ConfigVersionRecord = {
    repo: r.repo,
    commit: r.commit_sha,
    raw: r.raw,
    valid: r.valid === 1,
    errors: parseJsonArray<Problem>(r.errors),
    fetchedAt: r.fetched_at,
  };
  if (r.config !== null) record.config = JSON.parse(r.config) as RepoConfig;
  return record;
}

/**
 * Every version of the `integralgit` branch seen, valid or not, one row per (repo, commit).
 * "Latest" means most recently fetched: a branch reset to an older commit makes that commit
 * current again.
 */
export class ConfigVersionsTable implements ConfigVersionStore {
  private readonly sql: Statements<'upsert' | 'latest' | 'lastValid' | 'list'>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    this.sql = lazyStatements(ctx.db, 'config_versions', {
      upsert: (prepare) => prepare(
        `INSERT INTO config_versions (repo, commit_sha, raw, valid, errors, config, first_seen_at, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, commit_sha) DO UPDATE SET fetched_at = excluded.fetched_at`,
      ),
      latest: (prepare) => prepare(`SELECT ${COLUMNS} FROM config_versions WHERE repo = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`),
      lastValid: (prepare) => prepare(`SELECT ${COLUMNS} FROM config_versions WHERE repo = ? AND valid = 1 ORDER BY fetched_at DESC, id DESC LIMIT 1`),
      list: (prepare) => prepare(`SELECT ${COLUMNS} FROM config_versions WHERE repo = ? ORDER BY fetched_at DESC, id DESC LIMIT ?`),
    });
  }

  /** The same commit seen again only moves its `fetchedAt`; its recorded content and verdict stay. */
  recordConfigVersion(v: ConfigVersionRecord): void {
    const repo = checkName('repo', v.repo);
    const commit = checkName('config commit', v.commit);
    const fetchedMs = Date.parse(v.fetchedAt);
    if (Number.isNaN(fetchedMs)) {
      throw new IntegralGitError('IG_INTERNAL', `recordConfigVersion: fetchedAt ${JSON.stringify(v.fetchedAt)} is not a time`);
    }
    // one format, so that ORDER BY fetched_at is chronological
    const fetchedAt = new Date(fetchedMs).toISOString();
    this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      this.sql.upsert.run(
        repo,
        commit,
        v.raw,
        v.valid ? 1 : 0,
        JSON.stringify(v.errors ?? []),
        v.valid && v.config !== undefined ? JSON.stringify(v.config) : null,
        this.ctx.now(),
        fetchedAt,
      );
    });
  }

  lastValidConfig(repo: string): ConfigVersionRecord | undefined {
    const row = this.sql.lastValid.get(repo) as ConfigDbRow | undefined;
    return row && toRecord(row);
  }

  latestConfigVersion(repo: string): ConfigVersionRecord | undefined {
    const row = this.sql.latest.get(repo) as ConfigDbRow | undefined;
    return row && toRecord(row);
  }

  listConfigVersions(repo: string, limit = 50): ConfigVersionRecord[] {
    return (this.sql.list.all(repo, limit) as ConfigDbRow[]).map(toRecord);
  }
}
