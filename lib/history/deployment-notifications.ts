import { COMMIT_STATUS_KIND } from '../outcomes/outcome-channels';
import type { OutboxMessage } from '../store';

/** One outgoing message of a deployment, as `notifications: [...]` shows it (SPEC §9). */
export interface DeploymentNotification {
  /** `commit-status` or the name of a `notify` target */
  target: string;
  event: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  /** when it was delivered; null while pending or after giving up */
  sentAt: string | null;
  /** when the next attempt is due (pending only) */
  nextAttemptAt: string | null;
}

/** A commit status's lane is per repo (`commit-status:<repo>`); on a deployment of that repo it is just `commit-status`. */
export function notificationTarget(m: Pick<OutboxMessage, 'kind' | 'target'>): string {
  return m.kind === COMMIT_STATUS_KIND ? COMMIT_STATUS_KIND : m.target;
}

export function deploymentNotifications(messages: OutboxMessage[]): DeploymentNotification[] {
  return messages.map((m) => ({
    target: notificationTarget(m),
    event: m.event,
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    sentAt: m.sentAt,
    nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt : null,
  }));
}
