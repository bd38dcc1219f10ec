import type { DeploymentEvent, DeploymentEvents } from '../deploy/events';
import type { OutboxMessageInput } from '../store';
import type { OutboxStore } from './dispatcher';
import type { WriteBehind } from '../store/busy-retry';

/**
 * Turns deployment events into outbox rows: `toMessages` says which messages an event
 * means (none, one per notification target, a commit status, a fleet publish…). The rows
 * are written in the event's turn (a quick local write, durable before anything is sent),
 * then `kick` wakes the dispatcher; the deployment never waits on a target. With `writes`,
 * rows the database refuses while another process holds its write lock are written, in
 * order, once it is released (then `kick`), instead of being lost with the event.
 */
export function outboxWriter(
  events: DeploymentEvents,
  store: Pick<OutboxStore, 'enqueueOutbox'>,
  toMessages: (event: DeploymentEvent) => OutboxMessageInput[] | undefined,
  kick?: () => void,
  writes?: WriteBehind,
): () => void {
  return events.subscribe((event) => {
    const messages = toMessages(event);
    if (!messages || messages.length === 0) return;
    const write = (): void => {
      store.enqueueOutbox(messages);
      kick?.();
    };
    if (writes) writes.run(write);
    else write();
  });
}
