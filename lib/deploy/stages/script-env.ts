import { buildScriptEnv } from '../../script/build-script-env';
import { allSecretEnvNames, allSecretValues } from '../../settings/load-settings';
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
  });
  if (state.release) env.INTEGRALGIT_RELEASE_DIR = state.release.dir;
  return env;
}
