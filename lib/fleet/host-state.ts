import type { HistoryStore } from '../store';

/** What each host publishes per repo under `<repo>.<host>` (SPEC §11, exact). */
export interface FleetHostState {
  commit: string | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'never';
  health: 'passed' | 'failed' | 'none';
  deploymentId: number | null;
  finishedAt: string | null;
  /** this host's page of that deployment, when `publicUrl` is set */
  url: string | null;
}

/**
 * This host's state of one repo, read from its own store (the source of truth, so a
 * republish after a reconnect or restart says the same as the pages). A skipped
 * deployment (a push to another branch) does not hide what is deployed.
 */
export function hostState(store: Pick<HistoryStore, 'lastDeployment' | 'deployedCommit'>, repo: string, host: string, publicUrl?: string): FleetHostState {
  const last = store.lastDeployment(repo, host);
  const deployed = store.deployedCommit(repo, host);
  const shown = last?.status === 'skipped' && deployed ? { ...last, status: 'succeeded' as const, id: deployed.deploymentId, finishedAt: deployed.finishedAt } : last;
  const health = (shown as { health?: FleetHostState['health'] } | undefined)?.health ?? 'none';
  return {
    // the commit of the last attempt: a failed host names the commit that failed (rollout waves read it)
    commit: (shown === last ? last?.commit : deployed?.commit) ?? deployed?.commit ?? null,
    status: shown?.status ?? 'never',
    health,
    deploymentId: shown?.id ?? null,
    finishedAt: shown?.finishedAt ?? null,
    url: publicUrl && shown ? `${publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(repo)}/deployments/${shown.id}` : null,
  };
}
