import type { Settings } from '../settings/types';
import type { HistoryStore, Deployment, Pin } from '../store';
import { redactUrl } from '../remote-url';

export interface RepoSummary {
  name: string;
  url: string;
  host: string;
  deployed: {
    commit: string;
    deploymentId: number;
    finishedAt: string | null;
    message: string | null;
    author: string | null;
    /** the commit's page on the git host, when its push carried one */
    url: string | null;
  } | null;
  lastDeployment: Deployment | null;
  queueDepth: number;
  pin: Pin | null;
  config: { status: 'valid' | 'invalid' | 'unknown'; commit: string | null; inForce: string | null; errors: Array<{ path: string; message: string }> };
}

/** What `/`, `GET /api/repos` and `integralgit status` show for each configured repo. */
export function repoSummaries(settings: Settings, store: HistoryStore, only?: string): RepoSummary[] {
  return Object.keys(settings.repos)
    .filter((name) => only === undefined || name === only)
    .sort()
    .map((name) => repoSummary(settings, store, name));
}

export function repoSummary(settings: Settings, store: HistoryStore, name: string): RepoSummary {
  const host = settings.hostname;
  const deployed = store.deployedCommit(name, host);
  const commitRow = deployed ? store.getCommit(name, deployed.commit) : undefined;
  const latest = store.latestConfigVersion(name);
  const valid = store.lastValidConfig(name);
  return {
    name,
    url: redactUrl(settings.repos[name].url),
    host,
    deployed: deployed
      ? {
          commit: deployed.commit,
          deploymentId: deployed.deploymentId,
          finishedAt: deployed.finishedAt,
          message: commitRow?.message ?? null,
          author: commitRow?.authorName ?? null,
          url: commitRow?.url ?? null,
        }
      : null,
    lastDeployment: store.lastDeployment(name, host) ?? null,
    queueDepth: store.queueDepth(name),
    pin: store.getPin(name, host) ?? null,
    config: {
      status: latest ? (latest.valid ? 'valid' : 'invalid') : 'unknown',
      commit: latest?.commit ?? null,
      inForce: valid?.commit ?? null,
      errors: latest && !latest.valid ? latest.errors : [],
    },
  };
}
