import type { HistoryStore } from '../store';

/** What the index and repo pages update live: the last deployment on this host and the queue. */
export interface LiveRepoState {
  repo: string;
  queueDepth: number;
  last: {
    id: number;
    status: string;
    trigger: string;
    branch: string | null;
    commit: string | null;
    queuedAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
  } | null;
}

/** Two index lookups per repo: cheap enough to read every second for each open stream. */
export function liveRepoState(store: HistoryStore, repo: string, host: string): LiveRepoState {
  const d = store.lastDeployment(repo, host);
  return {
    repo,
    queueDepth: store.queueDepth(repo),
    last: d
      ? { id: d.id, status: d.status, trigger: d.trigger, branch: d.branch, commit: d.commit, queuedAt: d.queuedAt, startedAt: d.startedAt, finishedAt: d.finishedAt, durationMs: d.durationMs }
      : null,
  };
}

/** A fingerprint of a state: a stream sends a repo's state only when this changes. */
export function stateKey(s: LiveRepoState): string {
  return `${s.queueDepth}:${s.last ? `${s.last.id}:${s.last.status}` : '-'}`;
}
