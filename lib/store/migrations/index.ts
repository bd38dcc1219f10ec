import type { Migration } from './types';

export type { Migration } from './types';

/*
 * Every schema step, in order: step N is version N. Each is loaded only when a database
 * needs it: an up-to-date database (every start but the first after an upgrade) reads its
 * version, compares it with LATEST_SCHEMA_VERSION and loads none of them.
 * Add new files at the end; never edit a released one.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const STEPS: readonly (() => Migration)[] = [
  () => (require('./001-initial') as typeof import('./001-initial')).migration001,
  () => (require('./002-commits-truncated') as typeof import('./002-commits-truncated')).migration002,
  () => (require('./003-outbox') as typeof import('./003-outbox')).migration003,
  () => (require('./004-history-search') as typeof import('./004-history-search')).migration004,
  () => (require('./005-safe-deployments') as typeof import('./005-safe-deployments')).migration005,
  () => (require('./006-outcomes') as typeof import('./006-outcomes')).migration006,
  () => (require('./007-job-hosts') as typeof import('./007-job-hosts')).migration007,
  () => (require('./008-deferred-commit-search') as typeof import('./008-deferred-commit-search')).migration008,
  () => (require('./009-job-deployments') as typeof import('./009-job-deployments')).migration009,
  () => (require('./010-intake-job-indexes') as typeof import('./010-intake-job-indexes')).migration010,
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The newest schema version this code knows (versions are 1..N with no gaps; applyMigrations checks). */
export const LATEST_SCHEMA_VERSION = STEPS.length;

/** Every schema step, loaded, oldest first. */
export function loadMigrations(): Migration[] {
  return STEPS.map((load) => load());
}
