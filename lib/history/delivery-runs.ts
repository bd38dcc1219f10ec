import type { DeliveryRow, HistoryStore } from '../store';
import { deploymentOfJob } from './job-deployment';

/** What became of one job a delivery queued: its deployment and status, or the job's own state. */
export interface DeliveryRun {
  jobId: number;
  deploymentId?: number;
  /** the deployment's status; without a deployment, the job's state ('queued', 'running', 'done') */
  status: string;
}

export type DeliveryWithRuns = DeliveryRow & { runs: DeliveryRun[] };

/**
 * Follow each delivery's jobs to the deployments they became (through coalescing), so the
 * deliveries log shows the final outcome beside "accepted · 202". A page holds at most a few
 * dozen deliveries: these are primary-key lookups.
 */
export function withRuns(store: HistoryStore, deliveries: readonly DeliveryRow[]): DeliveryWithRuns[] {
  return deliveries.map((d) => ({ ...d, runs: d.jobIds.map((jobId) => runOfJob(store, jobId)) }));
}

function runOfJob(store: HistoryStore, jobId: number): DeliveryRun {
  const job = store.getJob(jobId);
  if (!job) return { jobId, status: 'unknown' };
  const deploymentId = deploymentOfJob(store, job);
  const deployment = deploymentId !== undefined ? store.getDeployment(deploymentId) : undefined;
  if (!deployment) return { jobId, status: job.state };
  return { jobId, deploymentId: deployment.id, status: deployment.status };
}
