import { IntegralGitError } from '../../errors';
import { checkHealthcheckUrl } from '../../health/check-healthcheck-url';
import { proceed, skip, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * Before anything is fetched or written (SPEC §10): a `healthcheck.url` must be allowed
 * (loopback or `healthcheckHosts`), a `healthcheck` must say what to check, and a webhook
 * redelivery (or a retry) of a push whose head failed and was reverted on this host is
 * skipped: the bad commit stays away until a new push or `integralgit trigger`.
 */
export const safetyGate: Stage = {
  name: 'safety-gate',
  run(state: Readonly<DeploymentState>): StageResult {
    const { req, host, deps } = state;
    const hc = state.effective!.config.healthcheck;
    if (hc) {
      if (hc.url === undefined && hc.command === undefined) {
        throw new IntegralGitError('IG_CONFIG_INVALID', 'healthcheck has neither `url` nor `command` in the effective config: set one of them, or remove `healthcheck`', { key: 'healthcheck' });
      }
      if (hc.url !== undefined) checkHealthcheckUrl(hc.url, deps.settings.healthcheckHosts ?? []);
    }
    const redelivered = (req.trigger === 'webhook' || req.trigger === 'retry') && req.requestedCommit && !req.targetCommit;
    const bad = redelivered ? deps.store.badCommit(req.repo, host, req.requestedCommit!) : undefined;
    if (bad) {
      return skip(
        `${bad.commit.slice(0, 12)} failed and was reverted on ${host}${bad.deploymentId ? ` (deployment #${bad.deploymentId})` : ''}: ` +
          `a redelivered push does not deploy it again; push a new commit, or run \`integralgit trigger ${req.repo}\` to retry it`,
      );
    }
    return proceed();
  },
};
