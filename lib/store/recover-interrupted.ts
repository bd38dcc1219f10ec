import type { StoreContext } from './context';
import type { DeploymentsTable } from './deployments';
import type { JobsTable } from './jobs';
import type { RecoveredJob } from './types';

export const INTERRUPTED_MESSAGE = 'interrupted (server stopped mid-deployment)';
/** A job runs at most this many times when interrupted: the first run and one retry. */
export const MAX_ATTEMPTS = 2;

/**
 * Call once at start, before any worker claims: every job of this host still `running` was
 * cut off by a stop or crash. Its unfinished deployment is marked failed (interrupted); the
 * job goes back to the queue (keeping its place and trigger) unless it already had its retry.
 * `host`: jobs claimed by another host sharing the store are that host's to recover (it may
 * be running them right now); jobs without a host (claimed before jobs had one) count as
 * ours. Undefined: every running job (a store only one host uses).
 */
export function recoverInterrupted(ctx: StoreContext, jobs: JobsTable, deployments: DeploymentsTable, host?: string): RecoveredJob[] {
  return ctx.write(() => {
    const now = ctx.now();
    return jobs.runningJobs(host).map((job) => {
      let deploymentId: number | undefined;
      for (const d of deployments.deploymentsOfJob(job.id)) {
        if (d.status !== 'queued' && d.status !== 'running') continue;
        deployments.updateDeployment(d.id, { status: 'failed', finishedAt: now, errorCode: 'IG_INTERRUPTED', error: INTERRUPTED_MESSAGE });
        deploymentId = d.id;
      }
      const requeued = job.attempts < MAX_ATTEMPTS;
      if (requeued) jobs.requeueJob(job.id);
      else jobs.abandonJob(job.id, deploymentId ?? null);
      const result: RecoveredJob = { jobId: job.id, requeued };
      if (deploymentId !== undefined) result.deploymentId = deploymentId;
      return result;
    });
  });
}
