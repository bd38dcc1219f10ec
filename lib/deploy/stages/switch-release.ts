import { releaseLayout } from '../../releases/release-layout';
import { switchCurrent } from '../../releases/switch-current';
import { proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/** With `releases`, after the script succeeded: `current` renamed onto the new release (SPEC §10). */
export const switchRelease: Stage = {
  name: 'switch-release',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    if (!state.release) return proceed();
    const { previous, ms } = await switchCurrent(releaseLayout(state.location!), state.release.name);
    state.recorder.step(`current → releases/${state.release.name}${previous ? ` (was ${previous})` : ''} in ${ms.toFixed(1)} ms`);
    return proceed();
  },
};
