import { describeError, isIntegralGitError } from '../errors';
import type { EffectiveConfig } from '../config/types';
import { resolveHostConfig } from '../config/merge-layers';
import { loadRepoConfig } from '../config/load-repo-config';
import { nativeConfigFetcherIfAvailable } from './config-fetcher';
import { CONFIG_BRANCH } from '../config/fetch-config-branch';
import { redactUrl } from '../config/remote-url';
import { runScript } from '../script/run-script';
import { buildScriptEnv } from '../script/build-script-env';
import { allSecretEnvNames, allSecretValues } from '../settings/load-settings';
import type { GitBackend } from '../workcopy/git-backend';
import type { Store } from '../store';
import { withWorkingCopyLock } from '../locks/file-lock';
import type { DeployEnv, DeployOutcome, DeployRequest } from './types';
import { requireRepo } from '../settings/require-repo';


export interface DeployDeps extends DeployEnv {
  store: Store;
  backend: GitBackend;
  /** how long to wait for another deployment of the same working copy; default 30 min */
  lockWaitMs?: number;
}

/**
 * A deployment, end to end: the one path taken whoever asked for it (webhook, poll, CLI,
 * UI). Resolve this host's config from the repository, skip with a recorded reason when
 * there is nothing to do, bring the working copy to the remote head, run the script, and
 * record everything. Never throws for a failed deployment: the outcome says why.
 */
export async function runDeployment(deps: DeployDeps, req: DeployRequest): Promise<DeployOutcome> {
  const { settings, store, logger } = deps;
  const repoSettings = requireRepo(settings, req.repo);
  const host = settings.hostname;
  store.ensureRepo(req.repo);
  const deploymentId =
    req.deploymentId ??
    store.createDeployment({
      repo: req.repo,
      host,
      branch: req.pushedBranch ?? req.branchOverride ?? null,
      trigger: req.trigger,
      jobId: req.jobId ?? null,
      coalescedJobIds: req.coalescedJobIds ?? [],
      status: 'queued',
    });
  const started = Date.now();
  const steps: string[] = [];
  const step = (text: string): void => {
    steps.push(text);
    store.appendLog(deploymentId, 'system', text + '\n');
    logger.info(`[${req.repo}#${deploymentId}] ${text}`);
    req.onProgress?.({ kind: 'step', text });
  };
  store.updateDeployment(deploymentId, { status: 'running', startedAt: new Date(started).toISOString() });

  const finish = (outcome: Omit<DeployOutcome, 'deploymentId'>): DeployOutcome => {
    const finishedAt = new Date();
    store.updateDeployment(deploymentId, {
      status: outcome.status,
      commit: outcome.commit,
      previousCommit: outcome.previousCommit,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - started,
      exitCode: outcome.exitCode ?? null,
      errorCode: outcome.status === 'failed' ? (outcome.errorCode ?? 'IG_INTERNAL') : null,
      error: outcome.status === 'failed' ? (outcome.reason ?? null) : null,
      skipReason: outcome.status === 'skipped' ? (outcome.reason ?? null) : null,
      steps,
    });
    const line = `${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}`;
    if (outcome.status === 'failed') logger.error(`[${req.repo}#${deploymentId}] ${line}`);
    else logger.info(`[${req.repo}#${deploymentId}] ${line}`);
    return { deploymentId, location, ...outcome };
  };

  let previousCommit: string | null = null;
  let commit: string | null = null;
  let location: string | undefined;
  try {
    // 1. the repo config, fetched fresh unless --no-fetch (then the last valid one)
    const configRecord = await currentConfig(deps, req, step);
    if (req.pushedBranch === CONFIG_BRANCH) {
      return finish({ status: 'skipped', commit: null, previousCommit: null, reason: configRecord.summary });
    }
    if (!configRecord.config) {
      return finish({
        status: 'failed',
        commit: null,
        previousCommit: null,
        errorCode: 'IG_CONFIG_NEVER_VALID',
        reason: configRecord.summary,
      });
    }
    const effective: EffectiveConfig = resolveHostConfig(configRecord.config, host);
    store.updateDeployment(deploymentId, { configCommit: configRecord.commit });
    step(`effective config for host ${host}: layers ${effective.layers.join(' → ') || '(none)'}`);
    const cfg = effective.config;
    if (!cfg.location) {
      return finish({
        status: 'skipped',
        commit: null,
        previousCommit: null,
        reason: `host ${host} is not deployed: no \`location\` in its effective config (layers: ${effective.layers.join(', ') || 'none'})`,
      });
    }
    const branch = req.branchOverride ?? cfg.branch;
    store.updateDeployment(deploymentId, { branch });
    if (req.pushedBranch && req.pushedBranch !== branch) {
      return finish({
        status: 'skipped',
        commit: null,
        previousCommit: null,
        reason: `push to branch \`${req.pushedBranch}\`; host ${host} deploys \`${branch}\``,
      });
    }
    if (req.trigger === 'poll' && store.getPin(req.repo, host)) {
      return finish({ status: 'skipped', commit: null, previousCommit: null, reason: `${req.repo} is pinned on ${host} (a rollback): the poller leaves it alone until a push or \`integralgit unpin\`` });
    }
    const loc = cfg.location;
    location = loc;
    return await withWorkingCopyLock(
      settings.dataDir,
      loc,
      { waitMs: deps.lockWaitMs ?? 30 * 60_000, onWait: () => step(`waiting for another deployment of ${loc} to finish`) },
      async () => {
        // 2. the working copy, brought to the remote head (or the pinned commit)
        const sync = await deps.backend.sync({
          repo: repoSettings,
          location: loc,
          branch,
          remote: cfg.remote,
          allowedRoots: settings.allowedRoots,
          targetCommit: req.targetCommit,
          noFetch: req.noFetch,
          onStep: step,
          logger,
        });
        previousCommit = sync.previousCommit;
        commit = sync.commit;
        store.updateDeployment(deploymentId, { commit, previousCommit });
        updatePin(deps, req, commit, step);
        if (!cfg.script) {
          step('no `script` configured: working copy updated only');
          return finish({ status: 'succeeded', commit, previousCommit });
        }
        // 3. the script, with the server's secrets stripped from its environment
        step(`running ${cfg.script} in ${loc} (timeout ${cfg.timeout}s)`);
        const env = buildScriptEnv({
          baseEnv: process.env,
          secretEnvNames: allSecretEnvNames(settings),
          secretValues: allSecretValues(settings),
          integralgit: { repo: req.repo, branch, commit, previousCommit: previousCommit ?? '', host },
          configEnv: cfg.env,
          scriptSecrets: settings.repos[req.repo]?.secrets,
        });
        const result = await runScript({
          script: cfg.script,
          location: loc,
          env,
          timeoutSeconds: cfg.timeout,
          logger,
          signal: req.signal,
          onOutput: (chunk) => {
            store.appendLog(deploymentId, chunk.stream, chunk.text);
            req.onProgress?.({ kind: 'output', stream: chunk.stream, text: chunk.text });
          },
        });
        store.updateDeployment(deploymentId, { exitCode: result.exitCode, signal: result.signal });
        if (result.timedOut) {
          return finish({
            status: 'failed',
            commit,
            previousCommit,
            exitCode: result.exitCode,
            errorCode: 'IG_SCRIPT_TIMEOUT',
            reason: `script ${cfg.script} ran past its timeout of ${cfg.timeout}s and was killed (raise \`timeout\` in the repo config if it needs longer)`,
          });
        }
        if (result.aborted) {
          return finish({
            status: 'failed',
            commit,
            previousCommit,
            exitCode: result.exitCode,
            errorCode: 'IG_INTERRUPTED',
            reason: 'interrupted: the server was shutting down and the script was stopped',
          });
        }
        if (result.exitCode !== 0) {
          const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
          return finish({
            status: 'failed',
            commit,
            previousCommit,
            exitCode: result.exitCode,
            errorCode: 'IG_SCRIPT_FAILED',
            reason: `script ${cfg.script} ${how}`,
          });
        }
        step(`script ${cfg.script} succeeded in ${(result.durationMs / 1000).toFixed(1)}s`);
        return finish({ status: 'succeeded', commit, previousCommit, exitCode: 0 });
      },
    );
  } catch (err) {
    const code = isIntegralGitError(err) ? err.code : 'IG_INTERNAL';
    if (!isIntegralGitError(err)) logger.error(`[${req.repo}#${deploymentId}] unexpected error`, { stack: (err as Error)?.stack });
    return finish({ status: 'failed', commit, previousCommit, errorCode: code, reason: describeError(err) });
  }
}

interface ConfigInForce {
  commit: string | null;
  config?: import('../config/types').RepoConfig;
  /** one line for the record: what was loaded, or why nothing is in force */
  summary: string;
}

async function currentConfig(deps: DeployDeps, req: DeployRequest, step: (t: string) => void): Promise<ConfigInForce> {
  const { store, settings, logger } = deps;
  const repoSettings = settings.repos[req.repo];
  if (req.noFetch) {
    const last = store.lastValidConfig(req.repo);
    step(last ? `using the last valid config (${last.commit.slice(0, 12)}), not fetched (--no-fetch)` : 'no valid config stored yet');
    return last
      ? { commit: last.commit, config: last.config, summary: `config ${last.commit.slice(0, 12)}` }
      : { commit: null, summary: `no valid repo config has ever been seen for ${req.repo}; run without --no-fetch` };
  }
  step(`reading the repo config from branch \`${CONFIG_BRANCH}\` of ${redactUrl(repoSettings.url)}`);
  const loaded = await loadRepoConfig({ repo: repoSettings, dataDir: settings.dataDir, store, logger, nativeFetcher: nativeConfigFetcherIfAvailable() });
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
    return { commit: null, summary: `${summary}; no valid repo config has ever been seen for ${req.repo}, so nothing is deployed` };
  }
  return { commit: loaded.current.commit, config: loaded.current.config, summary };
}

/**
 * A rollback pins this host to its commit; any other deployment that moved the copy (a
 * push, "deploy now") releases the pin. The poller reads the pin and leaves a pinned host alone.
 */
function updatePin(deps: DeployDeps, req: DeployRequest, commit: string, step: (t: string) => void): void {
  const host = deps.settings.hostname;
  if (req.targetCommit) {
    deps.store.setPin(req.repo, host, commit, req.trigger);
    step(`pinned ${req.repo} on ${host} to ${commit.slice(0, 12)} until the next push or \`integralgit unpin ${req.repo}\``);
  } else if (req.trigger !== 'poll' && deps.store.clearPin(req.repo, host)) {
    step(`released the pin of ${req.repo} on ${host} (${req.trigger} deployment of the branch head)`);
  }
}

