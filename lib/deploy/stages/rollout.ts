import { IntegralGitError } from '../../errors';
import { waveOf } from '../../fleet/rollout-waves';
import { waitForRollout } from '../../fleet/wait-for-rollout';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * Rollout waves (SPEC §11): a host of a later wave holds the commit it is about to deploy
 * (the branch head on the remote) until every online host of the earlier waves reports it
 * succeeded; IG_ROLLOUT_BLOCKED when one of them failed it or after `rolloutTimeout`. It
 * runs before the working-copy lock, so waiting holds nothing but this repo's worker. If
 * the head moves while it waits, the new head is waited for: sync then fetches the same
 * head (barring a push in the moment between).
 */
export const rollout: Stage = {
  name: 'rollout',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { deps, req, host, recorder, repoSettings } = state;
    const config = state.config!;
    const wave = waveOf(config, host);
    if (!config.rollout || wave === undefined || wave === 0) return proceed();
    const waveLabel = `wave ${wave + 1} (${config.rollout[wave]})`;
    if (req.targetCommit) {
      recorder.step(`rollout ${waveLabel}: not applied to a rollback`);
      return proceed();
    }
    const fleet = deps.fleet;
    if (!fleet) {
      recorder.step(`rollout ${waveLabel}: not applied, this process is not on the fleet's bus (a deployment started from the command line)`);
      return proceed();
    }
    let commit = await deps.backend.remoteHead(repoSettings, state.branch!);
    for (;;) {
      if (!commit) throw new IntegralGitError('IG_FETCH_FAILED', `rollout: the head of \`${state.branch}\` could not be read from the remote`);
      const why = await waitForRollout({ read: () => fleet.read(), config, repo: req.repo, host, wave, commit, onStep: recorder.step, signal: req.signal });
      const now = await deps.backend.remoteHead(repoSettings, state.branch!);
      if (now === commit) {
        recorder.step(`rollout ${waveLabel}: ${why}`);
        return proceed();
      }
      recorder.step(`rollout ${waveLabel}: the branch moved to ${String(now).slice(0, 12)} while waiting; waiting for that commit`);
      commit = now;
    }
  },
};
