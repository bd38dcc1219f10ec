export { openStore, openStoreForReading, DATABASE_FILE } from './open-store';
export { Store, DEFAULT_LOG_LIMIT_BYTES, DEFAULT_DELIVERIES_LIMIT, DEFAULT_DELIVERY_BODY_LIMIT_BYTES } from './store';
export { applyMigrations, schemaVersion } from './migrate';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations';
export { INTERRUPTED_MESSAGE, MAX_ATTEMPTS } from './recover-interrupted';
export { MAX_PAGE_SIZE } from './sql-helpers';
export * from './types';
export type { OutboxMessage, OutboxMessageInput, OutboxAttempt, OutboxAttemptResult, OutboxStatus } from './outbox';
