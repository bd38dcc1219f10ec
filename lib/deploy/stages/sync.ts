import { prefetchedCommitFor, prefetchedDiffFor, prefetchedLocalFor } from '../prefetch-for-deployment';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * The working copy, brought to the remote head (or a rollback's commit) by the git
 * backend, which refuses anything unsafe before touching the tree (SPEC §4.3). Then the
 * rollback pin is set or released.
 */
export const sync: Stage = {
  name: 'sync',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { deps, req, recorder, repoSettings, host } = state;
    const cfg = state.effective!.config;
    const result = await deps.backend.sync({
      repo: repoSettings,
      location: state.location!,
      branch: state.branch!,
      remote: cfg.remote,
      allowedRoots: deps.settings.allowedRoots,
      // exactly the commit verifyTrust checked, when it ran
      targetCommit: req.targetCommit ?? state.verifiedCommit,
      noFetch: req.noFetch,
      fetchedCommit: prefetchedCommitFor(state),
      localBeforeFetch: prefetchedLocalFor(state),
      diffAfterFetch: prefetchedDiffFor(state),
      onStep: recorder.step,
      logger: deps.logger,
    });
    recorder.synced(result.commit, result.previousCommit);
    recorder.updatePin(host, result.commit);
    return proceed({ commit: result.commit, previousCommit: result.previousCommit });
  },
};
