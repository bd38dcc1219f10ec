import { deploymentNotifications } from './deployment-notifications';
import type { HistoryStore, CommitRow, Deployment, DeploymentHealth, DeploymentStatus } from '../store';
import { IntegralGitError } from '../errors';
import type { Settings } from '../settings/types';
import { requireRepo } from '../settings/require-repo';

export interface HistoryQuery {
  limit?: number;
  commitsBefore?: string;
  deploymentsBefore?: string;
  branch?: string;
  status?: DeploymentStatus;
}

export interface ApiCommit {
  id: string;
  message: string;
  author: string;
  authorEmail: string | null;
  timestamp: string;
  branch: string | null;
  url: string | null;
}

/**
 * A deployment as the API and pages show it: the stored Deployment (derived, so a type
 * change there is one here) without its repo (in the URL), job, config commit and steps
 * (in the log), and with the SPEC §10 fields always spelled: null or "none" when absent.
 */
export type ApiDeployment = Pick<
  Deployment,
  | 'id' | 'status' | 'commit' | 'previousCommit' | 'branch' | 'host' | 'trigger' | 'queuedAt' | 'startedAt' | 'finishedAt'
  | 'durationMs' | 'exitCode' | 'signal' | 'error' | 'errorCode' | 'skipReason' | 'coalescedJobIds'
> & {
  // always set by toApiDeployment; optional so that hand-made fixtures need not spell them
  health?: DeploymentHealth;
  revertedTo?: string | null;
  release?: string | null;
};

export interface RepoHistory {
  name: string;
  commits: ApiCommit[];
  deployments: ApiDeployment[];
  next: { commits?: string; deployments?: string };
}

/** The SPEC §5 shape of `GET /api/repos/<repo>`, newest first, keyset-paginated. */
export function repoHistory(settings: Settings, store: HistoryStore, repo: string, q: HistoryQuery = {}): RepoHistory {
  requireRepo(settings, repo);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const commits = store.listCommits(repo, { limit, before: q.commitsBefore, branch: q.branch });
  const deployments = store.listDeployments(repo, { limit, before: q.deploymentsBefore, status: q.status, branch: q.branch });
  return {
    name: repo,
    commits: commits.items.map(toApiCommit),
    deployments: deployments.items.map(toApiDeployment),
    next: { commits: commits.nextCursor, deployments: deployments.nextCursor },
  };
}

export function toApiCommit(c: CommitRow): ApiCommit {
  return {
    id: c.id,
    message: c.message,
    author: c.authorName,
    authorEmail: c.authorEmail,
    timestamp: c.timestamp,
    branch: c.branch,
    url: c.url,
  };
}

export function toApiDeployment(d: Deployment): ApiDeployment {
  return {
    id: d.id,
    status: d.status,
    commit: d.commit,
    previousCommit: d.previousCommit,
    branch: d.branch,
    host: d.host,
    trigger: d.trigger,
    queuedAt: d.queuedAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    durationMs: d.durationMs,
    exitCode: d.exitCode,
    signal: d.signal,
    error: d.error,
    errorCode: d.errorCode,
    skipReason: d.skipReason,
    coalescedJobIds: d.coalescedJobIds,
    health: d.health ?? 'none',
    revertedTo: d.revertedTo ?? null,
    release: d.release ?? null,
  };
}

/** One deployment with its log, for `/api/repos/<repo>/deployments/<id>` and the page. */
export function deploymentDetail(settings: Settings, store: HistoryStore, repo: string, id: number, afterSeq = 0) {
  requireRepo(settings, repo);
  const d = Number.isSafeInteger(id) && id > 0 ? store.getDeployment(id) : undefined;
  if (!d || d.repo !== repo) {
    throw new IntegralGitError('IG_NOT_FOUND', `repository \`${repo}\` has no deployment ${String(id)}`);
  }
  return {
    ...toApiDeployment(d),
    steps: d.steps,
    configCommit: d.configCommit,
    log: store.getLog(d.id, afterSeq),
    // SPEC §9: commit statuses and notifications of this deployment, with their attempts
    notifications: deploymentNotifications(store.outboxOfDeployment(d.id)),
  };
}
