import { describeError, isIntegralGitError } from '../errors';
import { withWorkingCopyLock } from '../locks/file-lock';
import { requireRepo } from '../settings/require-repo';
import { DeploymentEvents } from './events';
import { DeploymentRecorder } from './recorder';
import { requestedCommit } from './requested-commit';
import type { DeployDeps } from './deploy-deps';
import type { DeployOutcome, DeployRequest } from './types';
import type { DeploymentState, Stage, TerminalOutcome } from './stages/stage';
import { resolveConfig } from './stages/resolve-config';
import { gate } from './stages/gate';
import { rollout } from './stages/rollout';
import { sync } from './stages/sync';
import { runScript } from './stages/run-script';
import { safetyGate } from './stages/safety-gate';
import { verifyTrust } from './stages/verify-trust';
import { prepareRelease } from './stages/prepare-release';
import { switchRelease } from './stages/switch-release';
import { activate } from './stages/activate';
import { healthcheck } from './stages/healthcheck';
import { cleanupReleases } from './stages/cleanup-releases';
import { revertAfterFailure } from './revert';
import { warmScriptParent } from '../script/script-parent';
import { maintainPrefetchedCopy } from './prefetch-for-deployment';
import { tracePhase } from '../trace/phase-trace';

export type { DeployDeps } from './deploy-deps';

/** Before the working-copy lock: decide whether there is anything to do. */
export const DECIDE: readonly Stage[] = [resolveConfig, gate, safetyGate, rollout];
/** Under the working-copy lock, in order: the working copy updated in place. */
export const APPLY: readonly Stage[] = [verifyTrust, sync, runScript, activate, healthcheck];
/** Under the working-copy lock with `releases` (SPEC §10): a new release, then `current` switched onto it. */
export const APPLY_RELEASE: readonly Stage[] = [verifyTrust, prepareRelease, runScript, switchRelease, activate, healthcheck, cleanupReleases];

/**
 * A deployment, end to end: the one path taken whoever asked for it (webhook, poll, CLI,
 * UI). The recorder marks it running and emits `started`; the config in force is resolved
 * and the gate skips (with a recorded reason) what this host should not deploy; then,
 * holding the working-copy lock, the copy is synced (or, with releases, a new release
 * prepared) and the script run, `current` switched, `activate` run and the health check
 * passed; a failed script or health check reverts to the last commit that passed. The recorder
 * writes the outcome and emits `finished`. Never throws for a failed deployment: the
 * outcome says why.
 */
export async function runDeployment(deps: DeployDeps, req: DeployRequest): Promise<DeployOutcome> {
  const repoSettings = requireRepo(deps.settings, req.repo);
  const recorder = new DeploymentRecorder(deps.store, deps.events ?? new DeploymentEvents(deps.logger), deps.logger, req, deps.settings.hostname);
  const state: DeploymentState = { deps, req, host: deps.settings.hostname, repoSettings, recorder };

  const ended =
    (await runStages(DECIDE, state)) ??
    (await withWorkingCopyLock(
      deps.settings.dataDir,
      state.location!,
      { waitMs: deps.lockWaitMs ?? 30 * 60_000, onWait: () => recorder.step(`waiting for another deployment of ${state.location} to finish`) },
      () => apply(state),
    ).catch((err: unknown) => thrown(state, err)));

  const outcome = await finalOutcome(state, ended);
  // the record is complete before the job is marked done (writes wait out a foreign lock)
  await recorder.settled();
  return outcome;
}

async function finalOutcome(state: DeploymentState, ended: TerminalOutcome | undefined): Promise<DeployOutcome> {
  const { recorder } = state;
  if (!ended) return recorder.finish({ status: 'succeeded', commit: state.commit!, previousCommit: state.previousCommit ?? null, exitCode: state.exitCode }, state.location);
  if (ended.status === 'skipped') return recorder.finish({ status: 'skipped', commit: null, previousCommit: null, reason: ended.reason }, state.location);
  // a failure records the commit it was asked to deploy (SPEC §4.5), not only one that was checked out
  const commit = state.commit ?? (await requestedCommit(state, ended.errorCode));
  return recorder.finish(
    { status: 'failed', commit, previousCommit: state.previousCommit ?? null, errorCode: ended.errorCode, reason: ended.reason, exitCode: ended.exitCode },
    state.location,
  );
}

/**
 * The stages that change the host, then on a failed script or health check the revert to
 * the last commit that passed (SPEC §10); a commit that passed is no longer remembered as bad.
 */
async function apply(state: DeploymentState): Promise<TerminalOutcome | undefined> {
  tracePhase('locked', state.req.repo);
  // node's start-up for the script's parent overlaps the sync (a no-op when the prefetch started it)
  if (state.effective!.config.script) warmScriptParent();
  const ended = await runStages(state.effective!.config.releases ? APPLY_RELEASE : APPLY, state);
  if (ended?.status === 'failed') await revertAfterFailure(state, ended);
  else if (!ended && state.commit) state.recorder.passed(state.host, state.commit);
  await maintainPrefetchedCopy(state);
  return ended;
}

/** Run stages in order until one ends the deployment; undefined when all continued. */
async function runStages(stages: readonly Stage[], state: DeploymentState): Promise<TerminalOutcome | undefined> {
  for (const stage of stages) {
    let result;
    tracePhase(stage.name, state.req.repo);
    try {
      result = await stage.run(state);
    } catch (err) {
      return thrown(state, err, stage.name);
    }
    tracePhase(`${stage.name} done`, state.req.repo);
    if (result.status !== 'continue') return result;
    Object.assign(state, result.set);
  }
  return undefined;
}

function thrown(state: DeploymentState, err: unknown, stage?: string): TerminalOutcome {
  if (!isIntegralGitError(err)) {
    state.deps.logger.error(`[${state.req.repo}#${state.recorder.deploymentId}] unexpected error${stage ? ` in stage ${stage}` : ''}`, { stack: (err as Error)?.stack });
  }
  return { status: 'failed', errorCode: isIntegralGitError(err) ? err.code : 'IG_INTERNAL', reason: describeError(err) };
}
