import { cleanupReleases as removeOld } from '../../releases/cleanup-releases';
import { releaseLayout } from '../../releases/release-layout';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

export const DEFAULT_RELEASES_KEEP = 5;

/**
 * After a release passed: the oldest releases beyond `keep` removed. The one `current`
 * points at and this one (the last that passed) are never removed.
 */
export const cleanupReleases: Stage = {
  name: 'cleanup-releases',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    if (!state.release) return proceed();
    const keep = state.effective!.config.releases?.keep ?? DEFAULT_RELEASES_KEEP;
    const removed = await removeOld(releaseLayout(state.location!), keep, [state.release.name]);
    if (removed.length > 0) state.recorder.step(`removed ${removed.length} old release${removed.length === 1 ? '' : 's'} (keep ${keep}): ${removed.join(', ')}`);
    return proceed();
  },
};
