import { proceed, skip, type DeploymentState, type Stage, type StageResult } from './stage';

/**
 * The skip rules: whether this host has anything to do for this request. A host with no
 * `location` is not deployed; a push to another branch than the one this host deploys is
 * not for it; the poller leaves a host pinned by a rollback alone. Each skip is recorded
 * with its reason ("why didn't my push deploy?").
 */
export const gate: Stage = {
  name: 'gate',
  run(state: Readonly<DeploymentState>): StageResult {
    const { req, host, recorder, deps } = state;
    const effective = state.effective!;
    const cfg = effective.config;
    if (!cfg.location) {
      return skip(`host ${host} is not deployed: no \`location\` in its effective config (layers: ${effective.layers.join(', ') || 'none'})`);
    }
    const branch = req.branchOverride ?? cfg.branch;
    recorder.branchResolved(branch);
    if (req.pushedBranch && req.pushedBranch !== branch) {
      return skip(`push to branch \`${req.pushedBranch}\`; host ${host} deploys \`${branch}\``);
    }
    if (req.trigger === 'poll' && deps.store.getPin(req.repo, host)) {
      return skip(`${req.repo} is pinned on ${host} (a rollback): the poller leaves it alone until a push or \`integralgit unpin\``);
    }
    return proceed({ branch, location: cfg.location });
  },
};
