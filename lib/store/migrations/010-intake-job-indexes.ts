import type { Migration } from './types';

/*
 * Two job indexes every push paid for in its durable transaction, for reads that never
 * need the entries a new job adds (~0.2 WAL page per delivery between them):
 * - (state, host) of migration 007 served one question, which jobs this host is running
 *   (recovery at start, SPEC §11); jobs_state_repo (state, repo, id) answers it as well
 *   (`state = 'running'` finds the few running jobs, the host is checked on those).
 * - coalesced_into: a job is queued with none; every read (`coalesced_into = ?`, `IN`,
 *   the foreign-key check of a deleted job) names a value, which implies the partial
 *   index's condition.
 */
export const migration010: Migration = {
  // the version is its position in MIGRATIONS
  version: 10,
  name: 'intake-job-indexes',
  up: `
DROP INDEX jobs_state_host;
DROP INDEX jobs_coalesced_into;
CREATE INDEX jobs_coalesced_into ON jobs(coalesced_into) WHERE coalesced_into IS NOT NULL;
`,
};
