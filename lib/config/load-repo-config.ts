import { IntegralGitError, isIntegralGitError, type Problem } from '../errors';
import type { Logger } from '../log/logger';
import type { RepoSettings } from '../settings/types';
import { fetchConfigBranch, type ConfigBranch, type ConfigBranchFetcher } from './fetch-config-branch';
import { resolveHostConfig } from './merge-layers';
import { parseRepoConfig } from './parse-repo-config';
import type { ConfigVersionRecord, ConfigVersionStore, EffectiveConfig } from './types';

/** How much of the file's text a version record keeps (the parsed config is kept whole). */
export const RAW_STORE_LIMIT = 256 * 1024;

export interface LoadRepoConfigOptions {
  repo: RepoSettings;
  dataDir: string;
  store: ConfigVersionStore;
  logger?: Logger;
  /** guard on the fetch; default 30 s */
  timeoutMs?: number;
  /** reads SSH and local remotes (the native git backend supplies it) */
  nativeFetcher?: ConfigBranchFetcher;
  /** read HTTP(S) remotes with `nativeFetcher` too (see fetchConfigBranch) */
  nativeForHttp?: boolean;
  /**
   * Replaces the fetch: the branch was already read another way (the native backend reads
   * it in the same `git fetch` as the deployed branch). Throws like fetchConfigBranch.
   */
  read?: () => Promise<ConfigBranch>;
}

export interface LoadedRepoConfig {
  /** the last valid version: the one in force. Undefined = never seen valid, deploy nothing */
  current?: ConfigVersionRecord;
  /** what was just read, valid or not; after a fetch failure, the last version recorded (if any) */
  latest?: ConfigVersionRecord;
  /** the commit read differs from the last one recorded */
  changed: boolean;
  /** set when the branch could not be read (network, credentials, branch deleted) */
  fetchError?: IntegralGitError;
}

/**
 * Fetch the config branch, validate it, record the version (with every problem) in the
 * store, and say which version is in force. Never throws for a bad config or a failed
 * fetch: an invalid config is recorded and the last valid one stays in force; a failed
 * fetch returns the last valid one with `fetchError`. Callers refuse to deploy when
 * `current` is undefined (see requireCurrentConfig).
 */
export async function loadRepoConfig(opts: LoadRepoConfigOptions): Promise<LoadedRepoConfig> {
  const { repo, store, logger } = opts;
  const previous = store.latestConfigVersion(repo.name);
  let record: ConfigVersionRecord;
  try {
    const branch = opts.read
      ? await opts.read()
      : await fetchConfigBranch({ repo, dataDir: opts.dataDir, timeoutMs: opts.timeoutMs, nativeFetcher: opts.nativeFetcher, nativeForHttp: opts.nativeForHttp, known: knownVersion(previous) });
    record = versionRecord(repo.name, branch.commit, branch.text);
  } catch (err) {
    const error = asIntegralGitError(err);
    const commit = typeof error.data.commit === 'string' ? error.data.commit : undefined;
    if (commit && (error.code === 'IG_CONFIG_MISSING' || error.code === 'IG_CONFIG_INVALID')) {
      // a commit on the branch without a usable file is a bad config like any other
      record = { repo: repo.name, commit, raw: '', valid: false, errors: [{ path: '', message: error.message }], fetchedAt: new Date().toISOString() };
    } else {
      const current = store.lastValidConfig(repo.name);
      logger?.warn(`[${repo.name}] could not read the config branch: ${error.message}${current ? `; config ${current.commit.slice(0, 12)} stays in force` : ''}`);
      return { current, latest: previous, changed: false, fetchError: error };
    }
  }
  store.recordConfigVersion(record);
  const changed = previous?.commit !== record.commit;
  const current = record.valid ? record : store.lastValidConfig(repo.name);
  if (changed) logChange(logger, record, current);
  return { current, latest: record, changed };
}

/** The version in force, or IG_FETCH_FAILED / IG_CONFIG_NEVER_VALID saying why there is none. */
export function requireCurrentConfig(repoName: string, loaded: LoadedRepoConfig): ConfigVersionRecord {
  if (loaded.current) return loaded.current;
  // the branch could not be read at all: the fetch is the cause, reported as such
  if (loaded.fetchError?.code === 'IG_FETCH_FAILED') throw loaded.fetchError;
  const why = loaded.fetchError
    ? loaded.fetchError.message
    : loaded.latest
      ? `config ${loaded.latest.commit.slice(0, 12)} is invalid: ${loaded.latest.errors.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`
      : 'no config has been read yet';
  throw new IntegralGitError('IG_CONFIG_NEVER_VALID', `no valid repo config has ever been seen for \`${repoName}\`, so nothing is deployed (${why})`, { repo: repoName });
}

/** The effective config of `host` under a recorded version; refuses an invalid version. */
export function effectiveConfigFor(record: ConfigVersionRecord, host: string): EffectiveConfig {
  if (!record.valid || !record.config) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `config ${record.commit.slice(0, 12)} of \`${record.repo}\` is invalid; its effective config cannot be computed`, {
      repo: record.repo,
      commit: record.commit,
    });
  }
  return resolveHostConfig(record.config, host);
}

/** The previous version when it is valid and kept whole: its text is the file at that commit. */
export function knownVersion(previous: ConfigVersionRecord | undefined): { commit: string; text: string } | undefined {
  return previous?.valid && Buffer.byteLength(previous.raw, 'utf8') < RAW_STORE_LIMIT ? { commit: previous.commit, text: previous.raw } : undefined;
}

function versionRecord(repo: string, commit: string, text: string): ConfigVersionRecord {
  const { config, problems } = parseRepoConfig(text);
  const bytes = Buffer.byteLength(text, 'utf8');
  const capped = bytes > RAW_STORE_LIMIT;
  const raw = capped ? Buffer.from(text, 'utf8').subarray(0, RAW_STORE_LIMIT).toString('utf8') : text;
  const errors: Problem[] = [...problems];
  // a valid record keeps no errors; its parsed config is stored whole anyway
  if (capped && !config) errors.push({ path: '', message: `only the first ${RAW_STORE_LIMIT} of ${bytes} bytes of the file are kept in the history` });
  const record: ConfigVersionRecord = { repo, commit, raw, valid: config !== undefined, errors, fetchedAt: new Date().toISOString() };
  if (config) record.config = config;
  return record;
}

function asIntegralGitError(err: unknown): IntegralGitError {
  if (isIntegralGitError(err)) return err;
  return new IntegralGitError('IG_INTERNAL', `reading the config branch failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
}

function logChange(logger: Logger | undefined, record: ConfigVersionRecord, current: ConfigVersionRecord | undefined): void {
  const sha = record.commit.slice(0, 12);
  if (record.valid) {
    logger?.info(`[${record.repo}] config ${sha} loaded; it applies to the following pushes`);
    return;
  }
  const kept = current ? `config ${current.commit.slice(0, 12)} stays in force` : 'no valid config has ever been seen, so nothing is deployed';
  logger?.warn(`[${record.repo}] config ${sha} is invalid (${record.errors.length} problem${record.errors.length === 1 ? '' : 's'}); ${kept}`, {
    problems: record.errors.map((p) => `${p.path || '/'}: ${p.message}`),
  });
}
