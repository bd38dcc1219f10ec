import { runScript as spawnScript } from '../../script/run-script';
import { deploymentSpawnOptions, scriptEnvFor } from './script-env';
import { fail, proceed, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * The optional `activate` command (SPEC §10, e.g. a service reload), run like the script:
 * after `current` is switched with releases, after the script in place. A revert runs it
 * again for the release it goes back to.
 */
export const activate: Stage = {
  name: 'activate',
  async run(state: Readonly<DeploymentState>): Promise<StageResult> {
    const command = state.effective!.config.activate;
    if (!command) return proceed();
    const failure = await runActivate(state, state.workDir ?? state.location!, state.commit!);
    return failure ? fail('IG_SCRIPT_FAILED', failure) : proceed();
  },
};

/** Run `activate` in `dir`; returns why it failed, or undefined. */
export async function runActivate(state: Readonly<DeploymentState>, dir: string, commit: string): Promise<string | undefined> {
  const { recorder } = state;
  const cfg = state.effective!.config;
  const command = cfg.activate!;
  recorder.step(`running activate ${command} in ${dir}`);
  const result = await spawnScript({
    script: command,
    location: dir,
    env: { ...scriptEnvFor(state, commit), ...(state.release ? { INTEGRALGIT_RELEASE_DIR: dir } : {}) },
    timeoutSeconds: cfg.timeout,
    ...deploymentSpawnOptions(state),
  });
  if (result.timedOut) return `activate ${command} ran past the timeout of ${cfg.timeout}s and was killed`;
  if (result.aborted) return 'interrupted: the server was shutting down and activate was stopped';
  if (result.exitCode !== 0) return `activate ${command} ${result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`}`;
  recorder.step(`activate ${command} succeeded in ${(result.durationMs / 1000).toFixed(1)}s`);
  return undefined;
}
