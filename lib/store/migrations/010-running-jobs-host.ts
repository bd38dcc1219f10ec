import type { Migration } from './types';

/*
 * The (state, host) index of migration 007 served one question: which jobs is this host
 * running (recovery at start, SPEC §11). jobs_state_repo (state, repo, id) answers it as
 * well (`state = 'running'` finds the few running jobs, the host is checked on those),
 * while this index held an entry for every job ever queued: an index insert in every
 * webhook's durable transaction (~0.1 WAL page per delivery) for nothing.
 */
export const migration010: Migration = {
  // the version is its position in MIGRATIONS
  version: 10,
  name: 'running-jobs-host',
  up: `
DROP INDEX jobs_state_host;
`,
};
