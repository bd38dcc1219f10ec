import type { JobQueueStore, JobTrigger } from '../store';
import { assertCommitId } from '../commit-id';
import type { Settings } from '../settings/types';
import { requireRepo } from '../settings/require-repo';

export interface DeploymentRequest {
  repo: string;
  trigger: JobTrigger;
  /** a rollback / redeploy of an earlier commit (pins the host to it) */
  targetCommit?: string;
  /** the branch to deploy; default: the one the repo config names for this host */
  branch?: string;
}

/**
 * Queue a deployment asked for by a person or the poller (UI buttons, `rollback`, poll):
 * the same durable queue as webhooks, so it never overlaps another deployment of the repo.
 */
export function requestDeployment(settings: Settings, store: Pick<JobQueueStore, 'ensureRepo' | 'enqueueJob'>, req: DeploymentRequest): number {
  requireRepo(settings, req.repo);
  const targetCommit = req.targetCommit === undefined ? null : assertCommitId(req.targetCommit);
  store.ensureRepo(req.repo);
  return store.enqueueJob({ repo: req.repo, branch: req.branch ?? null, trigger: req.trigger, targetCommit });
}
