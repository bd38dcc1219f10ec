import { describeError } from '../../errors';
import type { RepoConfig } from '../../config/types';
import { resolveHostConfig } from '../../config/merge-layers';
import { loadRepoConfig } from '../../config/load-repo-config';
import { CONFIG_BRANCH } from '../../config/fetch-config-branch';
import { redactUrl } from '../../remote-url';
import { configFetchOptions } from '../config-fetcher';
import { recordVersionsBehind } from '../config-version-writer';
import { prefetchForDeployment, prefetchedConfigReader } from '../prefetch-for-deployment';
import type { Prefetched } from '../../workcopy/native/native-prefetch';
import { fail, proceed, skip, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * The repo config in force for this host: fetched fresh from the config branch (or the
 * last valid one with --no-fetch, or when the latest is invalid), then this host's layers
 * merged. A push to the config branch ends here: reading the config was the whole job.
 */
export const resolveConfig: Stage = {
  name: 'resolve-config',
  async run(state): Promise<StageResult> {
    const { req, host, recorder } = state;
    const prefetched = await prefetchForDeployment(state);
    const inForce = await configInForce(state, prefetched);
    if (req.pushedBranch === CONFIG_BRANCH) return skip(inForce.summary);
    // no config in force because the branch could not be read: the cause is the fetch
    // (credentials, network), which the sysadmin fixes in the settings, not in the config
    if (!inForce.config) return fail(inForce.fetchFailed ? 'IG_FETCH_FAILED' : 'IG_CONFIG_NEVER_VALID', inForce.summary);
    const effective = resolveHostConfig(inForce.config, host);
    recorder.configUsed(inForce.commit);
    recorder.step(`effective config for host ${host}: layers ${effective.layers.join(' → ') || '(none)'}`);
    return proceed({ config: inForce.config, configCommit: inForce.commit, configSummary: inForce.summary, effective, prefetched: prefetched ?? undefined });
  },
};

interface ConfigInForce {
  commit: string | null;
  config?: RepoConfig;
  /** one line for the record: what was loaded, or why nothing is in force */
  summary: string;
  /** the config branch could not be fetched (network, credentials) */
  fetchFailed?: boolean;
}

async function configInForce(state: Readonly<DeploymentState>, prefetched: Prefetched | null): Promise<ConfigInForce> {
  const { deps, req, recorder, repoSettings } = state;
  const { store, settings, logger } = deps;
  const step = recorder.step;
  if (req.noFetch) {
    const last = store.lastValidConfig(req.repo);
    step(last ? `using the last valid config (${last.commit.slice(0, 12)}), not fetched (--no-fetch)` : 'no valid config stored yet');
    return last
      ? { commit: last.commit, config: last.config, summary: `config ${last.commit.slice(0, 12)}` }
      : { commit: null, summary: `no valid repo config has ever been seen for ${req.repo}; run without --no-fetch` };
  }
  if (prefetched) step(`fetched ${prefetched.remote}/${prefetched.branch} and branch \`${CONFIG_BRANCH}\` from ${redactUrl(repoSettings.url)} in one fetch`);
  else step(`reading the repo config from branch \`${CONFIG_BRANCH}\` of ${redactUrl(repoSettings.url)}`);
  const loaded = await loadRepoConfig({ repo: repoSettings, dataDir: settings.dataDir, store: recordVersionsBehind(store, logger), logger, ...configFetchOptions(settings), read: prefetched ? prefetchedConfigReader(state, prefetched) : undefined });
  const latest = loaded.latest;
  let summary: string;
  if (loaded.fetchError) {
    summary = `could not read the config branch: ${describeError(loaded.fetchError)}`;
    step(summary + (loaded.current ? `; using the last valid config ${loaded.current.commit.slice(0, 12)}` : ''));
  } else if (latest && !latest.valid) {
    summary = `config ${latest.commit.slice(0, 12)} is invalid (${latest.errors.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')})`;
    step(summary + (loaded.current ? `; the last valid config ${loaded.current.commit.slice(0, 12)} stays in force` : ''));
  } else {
    summary = `config ${latest?.commit.slice(0, 12)} loaded${loaded.changed ? ' (changed)' : ''}`;
    step(summary);
  }
  if (!loaded.current) {
    const fetchFailed = loaded.fetchError?.code === 'IG_FETCH_FAILED';
    return { commit: null, fetchFailed, summary: `${summary}; no valid repo config has ever been seen for ${req.repo}, so nothing is deployed` };
  }
  return { commit: loaded.current.commit, config: loaded.current.config, summary };
}
