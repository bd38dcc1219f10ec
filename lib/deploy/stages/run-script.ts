import { runScript as spawnScript } from '../../script/run-script';
import { deploymentSpawnOptions, scriptEnvFor } from './script-env';
import { fail, proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * The configured `script` in the working copy, with the server's secrets stripped from
 * its environment; a timeout, an interruption and a non-zero exit each fail with their
 * own code. No `script`: the working copy update was the deployment.
 */
export const runScript: Stage = {
  name: 'run-script',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const { recorder } = state;
    const cfg = state.effective!.config;
    // with releases, the new release directory (relative paths resolve against it)
    const loc = state.workDir ?? state.location!;
    if (!cfg.script) {
      recorder.step('no `script` configured: working copy updated only');
      return proceed();
    }
    recorder.step(`running ${cfg.script} in ${loc} (timeout ${cfg.timeout}s)`);
    const env = scriptEnvFor(state);
    const result = await spawnScript({
      script: cfg.script,
      location: loc,
      env,
      timeoutSeconds: cfg.timeout,
      ...deploymentSpawnOptions(state),
    });
    recorder.scriptExited(result.exitCode, result.signal);
    if (result.timedOut) {
      return fail(
        'IG_SCRIPT_TIMEOUT',
        `script ${cfg.script} ran past its timeout of ${cfg.timeout}s and was killed (raise \`timeout\` in the repo config if it needs longer)`,
        result.exitCode,
      );
    }
    if (result.aborted) return fail('IG_INTERRUPTED', 'interrupted: the server was shutting down and the script was stopped', result.exitCode);
    if (result.exitCode !== 0) {
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      return fail('IG_SCRIPT_FAILED', `script ${cfg.script} ${how}`, result.exitCode);
    }
    recorder.step(`script ${cfg.script} succeeded in ${(result.durationMs / 1000).toFixed(1)}s`);
    return proceed({ exitCode: 0 });
  },
};
