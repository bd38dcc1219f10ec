import { healthFailedError, runHealthcheck } from '../../health/run-healthcheck';
import { fail, proceed, type DeploymentState, type Stage, type StageResult } from './stage';
import { deploymentSpawnOptions, scriptEnvFor } from './script-env';

/**
 * The health gate (SPEC §10), after the script (and `activate`): the url and/or command
 * retried every `interval` s until it passes or `timeout` s pass. The outcome is recorded
 * as the deployment's `health`; a failure is `IG_HEALTH_FAILED`, which a revert follows.
 */
export const healthcheck: Stage = {
  name: 'healthcheck',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { deps, recorder } = state;
    const hc = state.effective!.config.healthcheck;
    if (!hc) return proceed();
    recorder.step(`health check: ${[hc.url, hc.command].filter(Boolean).join(' and ')} (timeout ${hc.timeout ?? 60}s, every ${hc.interval ?? 2}s)`);
    const result = await runHealthcheck({
      healthcheck: hc,
      healthcheckHosts: deps.settings.healthcheckHosts ?? [],
      cwd: state.workDir ?? state.location!,
      env: scriptEnvFor(state),
      onStep: recorder.step,
      ...deploymentSpawnOptions(state),
    });
    recorder.healthChecked(result.passed ? 'passed' : 'failed');
    if (result.passed) return proceed();
    const err = healthFailedError(result, hc);
    return fail('IG_HEALTH_FAILED', err.message);
  },
};
