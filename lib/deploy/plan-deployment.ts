import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchConfigBranch } from '../config/fetch-config-branch';
import { configFetchOptions } from './config-fetcher';
import { parseRepoConfig } from '../config/parse-repo-config';
import { resolveHostConfig } from '../config/merge-layers';
import type { EffectiveConfig, RepoConfig } from '../config/types';
import { IntegralGitError, describeError, isIntegralGitError, type Problem } from '../errors';
import type { RepoSettings, Settings } from '../settings/types';
import type { DeploymentStore } from '../store';
import type { GitBackend, SyncPlan } from '../workcopy/core/git-backend';
import { requireRepo } from '../settings/require-repo';

export interface DeploymentPlan {
  repo: string;
  host: string;
  config: { commit: string; source: 'fetched' | 'stored'; latestInvalid?: { commit: string; problems: Problem[] }; fetchError?: string };
  effective: EffectiveConfig;
  skipReason?: string;
  sync?: SyncPlan;
  script?: string;
}

/**
 * What `trigger --dry-run` prints: the effective config, the commit that would be deployed
 * and the steps. Reads the remote but writes nothing to the working copy or the database.
 */
export async function planDeployment(
  deps: { settings: Settings; store: DeploymentStore; backend: GitBackend },
  req: { repo: string; branchOverride?: string; noFetch?: boolean; targetCommit?: string },
): Promise<DeploymentPlan> {
  const { settings, store, backend } = deps;
  const repoSettings = requireRepo(settings, req.repo);
  let config: RepoConfig | undefined;
  let info: DeploymentPlan['config'] | undefined;
  let fetchError: unknown;
  if (!req.noFetch) {
    try {
      // into a throw-away cache: a dry run leaves the data dir as it found it
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'integralgit-dry-run-'));
      const fetched = await fetchConfigBranch({ repo: repoSettings, dataDir: scratch, ...configFetchOptions(settings) }).finally(() =>
        fs.rmSync(scratch, { recursive: true, force: true }),
      );
      const parsed = parseRepoConfig(fetched.text);
      if (parsed.config) {
        config = parsed.config;
        info = { commit: fetched.commit, source: 'fetched' };
      } else {
        info = { commit: fetched.commit, source: 'fetched', latestInvalid: { commit: fetched.commit, problems: parsed.problems } };
      }
    } catch (err) {
      fetchError = err;
      info = { commit: '', source: 'fetched', fetchError: describeError(err) };
    }
  }
  if (!config) {
    const stored = store.lastValidConfig(req.repo);
    if (!stored?.config) {
      if (isIntegralGitError(fetchError) && fetchError.code === 'IG_FETCH_FAILED') throw fetchError;
      const why = info?.fetchError ?? (info?.latestInvalid ? `config ${info.latestInvalid.commit.slice(0, 12)} is invalid` : 'nothing fetched (--no-fetch)');
      throw new IntegralGitError('IG_CONFIG_NEVER_VALID', `no valid repo config for \`${req.repo}\`: ${why}`);
    }
    config = stored.config;
    info = { ...(info ?? {}), commit: stored.commit, source: 'stored' };
  }
  const host = settings.hostname;
  const effective = resolveHostConfig(config, host);
  const plan: DeploymentPlan = { repo: req.repo, host, config: info as DeploymentPlan['config'], effective };
  if (!effective.config.location) {
    plan.skipReason = `host ${host} has no \`location\` in its effective config: it is not deployed`;
    return plan;
  }
  if (effective.config.releases) {
    plan.sync = await planRelease(backend, repoSettings, effective, req.branchOverride ?? effective.config.branch, store.deployedCommit(req.repo, host)?.commit ?? null);
    plan.script = effective.config.script;
    return plan;
  }
  plan.sync = await backend.plan({
    repo: repoSettings,
    location: effective.config.location,
    branch: req.branchOverride ?? effective.config.branch,
    remote: effective.config.remote,
    allowedRoots: settings.allowedRoots,
    noFetch: req.noFetch,
    targetCommit: req.targetCommit,
  });
  plan.script = effective.config.script;
  return plan;
}

/** With `releases` (SPEC §10) the location is not a working copy: what a release deployment would do. */
async function planRelease(backend: GitBackend, repo: RepoSettings, effective: EffectiveConfig, branch: string, deployed: string | null): Promise<SyncPlan> {
  const cfg = effective.config;
  const commit = await backend.remoteHead(repo, branch);
  if (!commit) throw new IntegralGitError('IG_FETCH_FAILED', `branch \`${branch}\` does not exist on ${repo.name}'s remote`, { repo: repo.name, branch });
  const steps = [
    `fetch \`${branch}\` into the release cache ${cfg.location}/repo.git`,
    `check out ${commit.slice(0, 12)} into ${cfg.location}/releases/<yyyymmddHHMMSS>-${commit.slice(0, 12)}${cfg.releases?.shared?.length ? `, link ${cfg.releases.shared.join(', ')} from ${cfg.location}/shared` : ''}`,
    `switch ${cfg.location}/current to it after the script`,
  ];
  if (cfg.activate) steps.push(`run activate ${cfg.activate}`);
  if (cfg.healthcheck) steps.push(`health check ${[cfg.healthcheck.url, cfg.healthcheck.command].filter(Boolean).join(' and ')}`);
  steps.push(`keep ${cfg.releases?.keep ?? 5} releases`);
  return { action: commit === deployed ? 'up-to-date' : 'update', previousCommit: deployed, commit, steps };
}
