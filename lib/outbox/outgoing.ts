import type { Logger } from '../log/logger';
import type { Settings } from '../settings/types';
import type { DeploymentEvent, DeploymentEvents } from '../deploy/events';
import type { OutboxMessageInput, OutboxStore, OutcomeStore } from '../store';
import { describeError } from '../errors';
import { isPermanentFailure, outcomeChannels } from '../outcomes/outcome-channels';
import { OutboxDispatcher, OutboxPermanentError, type DispatcherOptions, type OutboxSender } from './dispatcher';
import { outboxWriter } from './outbox-writer';
import { WriteBehind } from '../store/busy-retry';

/**
 * One kind of outgoing message: which events produce it (rows written at once) and how a
 * row is delivered (later, by the dispatcher). Notifications, commit statuses (SPEC §9)
 * and fleet publishing (§11) are each one of these.
 */
export interface OutgoingChannel {
  kind: string;
  /** the rows this event means for this channel; none for most */
  toMessages(event: DeploymentEvent): OutboxMessageInput[] | undefined;
  send: OutboxSender;
}

/** The channels the settings ask for. Each capability that sends something out adds its own here. */
export function outgoingChannels(settings: Settings, store: OutcomeStore): OutgoingChannel[] {
  // SPEC §9: commit statuses and notifications; a refusal retrying cannot change ends the row at once
  return outcomeChannels(settings, store).map((c) => ({
    kind: c.kind,
    toMessages: (e) => c.toMessages(e),
    send: async (m, signal) => {
      try {
        await c.send(m, signal);
      } catch (err) {
        throw isPermanentFailure(err) ? new OutboxPermanentError(describeError(err)) : err;
      }
    },
  }));
}

/** How long a CLI `trigger` / `rollback` keeps delivering before it exits; the rest is left to a running server. */
export const CLI_FLUSH_MS = 5_000;

/**
 * Wire a process's outgoing messages: each channel's writer subscribes to the events and its
 * sender is registered with one dispatcher. The server `start()`s it; the CLI `flush()`es it
 * before exit. `extra` channels are added to the configured ones (tests).
 */
export function setUpOutgoing(deps: {
  settings: Settings;
  store: OutboxStore & OutcomeStore;
  logger: Logger;
  events: DeploymentEvents;
  extra?: OutgoingChannel[];
  options?: DispatcherOptions;
}): OutboxDispatcher {
  const dispatcher = new OutboxDispatcher(deps.store, deps.logger, deps.options);
  // one queue for every channel: rows held up by a foreign write lock land in event order
  const writes = new WriteBehind((err, queued) => {
    if (queued) deps.logger.warn(`outbox: messages wait for the database's write lock, which another process holds: ${describeError(err)}`);
    else deps.logger.error(`outbox: a message could not be stored: ${describeError(err)}`);
  });
  for (const channel of [...outgoingChannels(deps.settings, deps.store), ...(deps.extra ?? [])]) {
    dispatcher.register(channel.kind, channel.send);
    outboxWriter(deps.events, deps.store, (e) => channel.toMessages(e), () => dispatcher.kick(), writes);
  }
  return dispatcher;
}
