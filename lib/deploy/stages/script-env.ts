import { buildScriptEnv } from '../../script/build-script-env';
import { allSecretEnvNames, allSecretValues } from '../../settings/load-settings';
import { scriptRecordDir } from '../../script/script-records';
import type { RunScriptOptions } from '../../script/types';
import type { DeploymentState } from './stage';

/**
 * The environment of everything a deployment runs from the repo config (`script`,
 * `activate`, `healthcheck.command`): the server's secrets stripped, INTEGRALGIT_* set, and
 * INTEGRALGIT_RELEASE_DIR with releases (SPEC §10).
 */
export function scriptEnvFor(state: Readonly<DeploymentState>, commit = state.commit!): Record<string, string> {
  const { deps, req, host } = state;
  const env = buildScriptEnv({
    baseEnv: process.env,
    secretEnvNames: allSecretEnvNames(deps.settings),
    secretValues: allSecretValues(deps.settings),
    integralgit: { repo: req.repo, branch: state.branch!, commit, previousCommit: state.previousCommit ?? '', host },
    configEnv: state.effective!.config.env,
    scriptSecrets: state.repoSettings.secrets,
  });
  if (state.release) env.INTEGRALGIT_RELEASE_DIR = state.release.dir;
  return env;
}

/**
 * What every command a deployment runs from the repo config (`script`, `activate`,
 * `healthcheck.command`, a revert's script) shares: the server's secret values masked in its
 * output, its process group noted for crash recovery, its output recorded, the deployment's
 * abort signal. One place, so that no such command escapes the masking or the records.
 */
export function deploymentSpawnOptions(state: Readonly<DeploymentState>): Pick<RunScriptOptions, 'secretValues' | 'recordDir' | 'logger' | 'signal' | 'onOutput'> {
  const { deps, req, recorder } = state;
  return {
    secretValues: allSecretValues(deps.settings),
    recordDir: scriptRecordDir(deps.settings.dataDir),
    logger: deps.logger,
    signal: req.signal,
    onOutput: (chunk) => recorder.output(chunk.stream, chunk.text),
  };
}
