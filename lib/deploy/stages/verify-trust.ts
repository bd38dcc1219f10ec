import path from 'node:path';
import { configCacheDir } from '../../config/config-cache';
import { fetchReleaseCache } from '../../releases/fetch-release-cache';
import { releaseLayout } from '../../releases/release-layout';
import { checkFastForward } from '../../trust/check-fast-forward';
import { verifyCommitSignature } from '../../trust/verify-commit-signature';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * `requireSignedCommits` and `refuseNonFastForward` (SPEC §10), before anything changes on
 * disk: the head is fetched into a bare cache (the release cache with `releases`, else one
 * under dataDir), its signature and the config branch head's are verified, and its
 * ancestry is checked against the deployed commit. The commit checked is the one deployed
 * (`verifiedCommit`): a push landing in between cannot slip an unchecked head in.
 */
export const verifyTrust: Stage = {
  name: 'verify-trust',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { deps, req, repoSettings, recorder, host } = state;
    const policy = repoSettings.requireSignedCommits;
    if (!policy && !repoSettings.refuseNonFastForward) return proceed();
    const cfg = state.effective!.config;
    const cache = cfg.releases ? releaseLayout(state.location!).cache : path.join(deps.settings.dataDir, 'cache', `${repoSettings.name}.heads.git`);
    recorder.step(`fetching \`${state.branch}\` into ${cache} to check it before deploying`);
    const commit = await fetchReleaseCache({ repo: repoSettings, cache, branch: state.branch!, targetCommit: req.targetCommit, noFetch: req.noFetch });
    if (policy) {
      await verifyCommitSignature({ gitdir: cache, commit, policy, what: `the head of \`${state.branch}\``, repo: req.repo });
      if (state.configCommit) {
        await verifyCommitSignature({ gitdir: configCacheDir(deps.settings.dataDir, req.repo), commit: state.configCommit, policy, what: 'the config branch head', repo: req.repo });
      }
      recorder.step(`signatures verified: ${commit.slice(0, 12)}${state.configCommit ? ` and config ${state.configCommit.slice(0, 12)}` : ''}`);
    }
    const deployed = deps.store.deployedCommit(req.repo, host)?.commit;
    if (repoSettings.refuseNonFastForward && deployed && !req.targetCommit) {
      if (req.allowRewind) recorder.step('refuseNonFastForward: not checked (--allow-rewind)');
      else await checkFastForward({ gitdir: cache, deployed, head: commit, repo: req.repo, branch: state.branch! });
    }
    return proceed({ verifiedCommit: commit });
  },
};
