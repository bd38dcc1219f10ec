import type { Job, HistoryStore } from '../store';

/**
 * Where a job's work is recorded: its own deployment, or the one of the job it was
 * coalesced into (followed for a few hops; chains are short by construction).
 */
export function deploymentOfJob(store: HistoryStore, job: Job): number | undefined {
  let current: Job | undefined = job;
  for (let hops = 0; current && hops < 10; hops++) {
    if (current.deploymentId !== null) return current.deploymentId;
    if (current.coalescedInto === null) return undefined;
    current = store.getJob(current.coalescedInto);
  }
  return undefined;
}
