import type { HistoryStore, PushEventRow } from '../store';
import { deploymentOfJob } from './job-deployment';
import { requireRepo } from '../settings/require-repo';
import { toApiCommit, toApiDeployment, type ApiCommit, type ApiDeployment } from './repo-history';
import type { Settings } from '../settings/types';

/** Commits shown per push; the rest is counted (GitHub and GitLab send at most 20 anyway). */
export const COMMITS_PER_PUSH = 20;

/** A push as the timeline shows it: the stored event (less its delivery bookkeeping) with what it led to. */
export interface TimelinePush extends Omit<PushEventRow, 'repo' | 'deliveryId' | 'eventType' | 'commitsTruncated'> {
  commits: ApiCommit[];
  /** the deployments this push led to (through its jobs, following coalescing) */
  deployments: ApiDeployment[];
  /** jobs still waiting (no deployment yet) */
  queuedJobs: number;
}

export interface PushTimelinePage {
  items: TimelinePush[];
  nextCursor?: string;
}

/**
 * The repo page's timeline: pushes newest first with their commits and the deployment each
 * led to. Keyset-paginated on the push id; each push costs a few indexed lookups, so a page
 * costs the same at push 100 and at push 100,000.
 */
export function pushTimeline(
  settings: Settings,
  store: HistoryStore,
  repo: string,
  q: { limit?: number; before?: string; branch?: string } = {},
): PushTimelinePage {
  requireRepo(settings, repo);
  const limit = Math.min(Math.max(q.limit ?? 20, 1), 200);
  const page = store.listPushEvents(repo, { limit, before: q.before, branch: q.branch });
  return { items: page.items.map((e) => timelinePush(store, e)), nextCursor: page.nextCursor };
}

function timelinePush(store: HistoryStore, e: PushEventRow): TimelinePush {
  const commits = store.commitsOfEvent(e.id).slice(0, COMMITS_PER_PUSH).map(toApiCommit);
  const deploymentIds = new Set<number>();
  let queuedJobs = 0;
  for (const job of store.jobsOfEvent(e.id)) {
    const id = deploymentOfJob(store, job);
    if (id !== undefined) deploymentIds.add(id);
    else if (job.state === 'queued' || job.state === 'running') queuedJobs++;
  }
  const deployments: ApiDeployment[] = [];
  for (const id of [...deploymentIds].sort((a, b) => b - a)) {
    const d = store.getDeployment(id);
    if (d) deployments.push(toApiDeployment(d));
  }
  const { repo: _repo, deliveryId: _deliveryId, eventType: _eventType, commitsTruncated: _truncated, ...fields } = e;
  return {
    ...fields,
    commits,
    deployments,
    queuedJobs,
  };
}
