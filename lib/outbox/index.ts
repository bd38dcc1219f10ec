export { OutboxDispatcher, OutboxPermanentError, type OutboxSender, type OutboxStore, type DispatcherOptions } from './dispatcher';
export { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from './backoff';
export { outboxWriter } from './outbox-writer';
export { setUpOutgoing, outgoingChannels, CLI_FLUSH_MS, type OutgoingChannel } from './outgoing';
