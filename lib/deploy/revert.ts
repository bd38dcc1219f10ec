import fs from 'node:fs';
import path from 'node:path';
import { describeError, type ErrorCode } from '../errors';
import { runScript as spawnScript } from '../script/run-script';
import { releaseLayout } from '../releases/release-layout';
import { currentRelease, switchCurrent } from '../releases/switch-current';
import type { HostConfig } from '../config/types';
import { runActivate } from './stages/activate';
import { deploymentSpawnOptions, scriptEnvFor } from './stages/script-env';
import type { DeploymentState, TerminalOutcome } from './stages/stage';

/** Failures after which the host is put back; earlier ones (fetch, trust, tree) changed nothing. */
const REVERTIBLE: ReadonlySet<ErrorCode> = new Set(['IG_SCRIPT_FAILED', 'IG_SCRIPT_TIMEOUT', 'IG_HEALTH_FAILED']);

/** `revert` defaults to on when a `healthcheck` is set (SPEC §10). */
export function revertEnabled(cfg: Pick<HostConfig, 'revert' | 'healthcheck'>): boolean {
  return cfg.revert ?? cfg.healthcheck !== undefined;
}

/**
 * After a failed script or health check (SPEC §10): back to the last commit that passed on
 * this host — with releases by switching `current` back and running `activate` again, in
 * place by syncing to it and running the script (and `activate`) again — and the bad commit
 * remembered. A revert that cannot happen, or fails itself, is said in the log; the
 * deployment's own failure stays what is recorded.
 */
export async function revertAfterFailure(state: Readonly<DeploymentState>, ended: Extract<TerminalOutcome, { status: 'failed' }>): Promise<void> {
  const cfg = state.effective?.config;
  const bad = state.commit;
  if (!cfg || !bad || !REVERTIBLE.has(ended.errorCode) || !revertEnabled(cfg)) return;
  const { deps, req, recorder, host } = state;
  const failedAt = performance.now();
  const last = deps.store.deployedCommit(req.repo, host);
  if (!last || last.commit === bad) {
    recorder.step(`revert: no other commit has passed on ${host} yet, so there is nothing to go back to`);
    if (!last) recorder.reverted(null, host, bad, ended.reason);
    return;
  }
  try {
    const done = state.release ? await revertRelease(state, last.deploymentId) : await revertInPlace(state, last.commit);
    if (done) {
      recorder.reverted(last.commit, host, bad, ended.reason);
      recorder.step(`reverted to ${last.commit.slice(0, 12)} in ${((performance.now() - failedAt) / 1000).toFixed(2)}s; ${bad.slice(0, 12)} is remembered as bad on ${host}`);
      return;
    }
  } catch (err) {
    recorder.step(`revert to ${last.commit.slice(0, 12)} failed: ${describeError(err)}`);
  }
  recorder.reverted(null, host, bad, ended.reason);
}

/** Switch `current` back to the last release that passed; false when there is nothing to switch. */
async function revertRelease(state: Readonly<DeploymentState>, lastDeploymentId: number): Promise<boolean> {
  const { deps, recorder } = state;
  const layout = releaseLayout(state.location!);
  const current = await currentRelease(layout);
  const lastRelease = deps.store.getDeployment(lastDeploymentId)?.release;
  if (current !== state.release!.name) {
    recorder.step(`revert: current still points at ${current ?? 'nothing'} (the new release was never switched in)`);
    return false;
  }
  if (!lastRelease || !fs.existsSync(path.join(layout.releases, lastRelease))) {
    recorder.step(`revert: the release that last passed (${lastRelease ?? 'an in-place deployment'}) is not on disk, so current stays on ${current}`);
    return false;
  }
  const { ms } = await switchCurrent(layout, lastRelease);
  recorder.step(`revert: current → releases/${lastRelease} in ${ms.toFixed(1)} ms`);
  const lastCommit = deps.store.getDeployment(lastDeploymentId)!.commit!;
  if (state.effective!.config.activate) {
    const failure = await runActivate({ ...state, release: { name: lastRelease, dir: path.join(layout.releases, lastRelease) } }, path.join(layout.releases, lastRelease), lastCommit);
    if (failure) recorder.step(`revert: ${failure}`);
  }
  return true;
}

/** Sync the working copy back to `commit` and run the script (and `activate`) for it. */
async function revertInPlace(state: Readonly<DeploymentState>, commit: string): Promise<boolean> {
  const { deps, recorder, repoSettings } = state;
  const cfg = state.effective!.config;
  recorder.step(`revert: bringing ${state.location} back to ${commit.slice(0, 12)}, the last commit that passed`);
  await deps.backend.sync({
    repo: repoSettings,
    location: state.location!,
    branch: state.branch!,
    remote: cfg.remote,
    allowedRoots: deps.settings.allowedRoots,
    targetCommit: commit,
    noFetch: true,
    onStep: recorder.step,
    logger: deps.logger,
  });
  if (cfg.script) {
    recorder.step(`revert: running ${cfg.script} for ${commit.slice(0, 12)}`);
    const result = await spawnScript({
      script: cfg.script,
      location: state.location!,
      env: scriptEnvFor(state, commit),
      timeoutSeconds: cfg.timeout,
      ...deploymentSpawnOptions(state),
    });
    if (result.exitCode !== 0) {
      recorder.step(`revert: ${cfg.script} ${result.timedOut ? 'timed out' : `exited with code ${result.exitCode}`} for ${commit.slice(0, 12)}`);
      return false;
    }
  }
  if (cfg.activate) {
    const failure = await runActivate(state, state.location!, commit);
    if (failure) {
      recorder.step(`revert: ${failure}`);
      return false;
    }
  }
  return true;
}
