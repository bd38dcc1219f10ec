import type { OutcomeStore } from '../store';

export interface MissedHead {
  repo: string;
  branch: string;
  head: string;
  /** the deliveries-log entry recorded for it */
  deliveryRowId: number;
  reason: string;
}

export function missedReason(head: string, branch: string): string {
  return `the branch moved to ${head} but no webhook came: check the hook on the git host (branch ${branch})`;
}

/**
 * A head found on the remote that no delivery ever announced is a webhook that never came
 * (SPEC §9): record it once in the deliveries log (outcome `missed`, the head as delivery
 * id) and return it so the caller emits `missed`. Undefined when a delivery did announce
 * it, or its absence was recorded already.
 */
export function recordMissedHead(store: Pick<OutcomeStore, 'headAnnounced' | 'missedRecorded' | 'recordDelivery'>, repo: string, branch: string, head: string): MissedHead | undefined {
  if (store.headAnnounced(repo, head) || store.missedRecorded(repo, head)) return undefined;
  const reason = missedReason(head, branch);
  const deliveryRowId = store.recordDelivery({ repo, outcome: 'missed', statusCode: 0, event: 'push', deliveryId: head, reason });
  return { repo, branch, head, deliveryRowId, reason };
}
