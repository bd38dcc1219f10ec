import { IntegralGitError } from '../../errors';
import { assertLocationAllowed } from '../../workcopy/core/check-location';
import { fetchReleaseCache } from '../../releases/fetch-release-cache';
import { prepareRelease as checkoutRelease } from '../../releases/prepare-release';
import { releaseLayout } from '../../releases/release-layout';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * With `releases` (SPEC §10), in place of `sync`: the bare cache in `location/repo.git`
 * fetched, a new `releases/<yyyymmddHHMMSS>-<sha12>/` checked out from it with the
 * `shared` entries linked. `current` is not touched yet: the app keeps running the
 * previous release while the script builds this one.
 */
export const prepareRelease: Stage = {
  name: 'prepare-release',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { deps, req, recorder, repoSettings, host } = state;
    const cfg = state.effective!.config;
    if (repoSettings.runAs) {
      // the cache, releases and `current` would be the server's files, not the runAs user's
      throw new IntegralGitError(
        'IG_RELEASE_FAILED',
        `repo \`${req.repo}\` has runAs (${repoSettings.runAs.user}) in the server settings, and \`releases\` do not support runAs yet: remove \`releases\` from the repo config (in-place working copies do) or runAs from the settings`,
        { repo: req.repo },
      );
    }
    const location = assertLocationAllowed(state.location!, deps.settings.allowedRoots);
    const layout = releaseLayout(location);
    const commit =
      state.verifiedCommit ?? (await fetchReleaseCache({ repo: repoSettings, cache: layout.cache, branch: state.branch!, targetCommit: req.targetCommit, noFetch: req.noFetch }));
    const previousCommit = deps.store.deployedCommit(req.repo, host)?.commit ?? null;
    const release = await checkoutRelease({ layout, commit, shared: cfg.releases?.shared });
    recorder.releasePrepared(release.name);
    recorder.step(`release ${release.name} prepared in ${(release.ms / 1000).toFixed(2)}s${cfg.releases?.shared?.length ? ` (shared: ${cfg.releases.shared.join(', ')})` : ''}`);
    recorder.synced(commit, previousCommit);
    recorder.updatePin(host, commit);
    return proceed({ commit, previousCommit, release: { name: release.name, dir: release.dir }, workDir: release.dir });
  },
};
