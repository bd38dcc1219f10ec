import type { Migration } from './types';

/*
 * The host that claimed a job (SPEC §11: several serve processes, each with its own
 * --hostname, may one day share one store). Recovery at start then fails and re-queues
 * only its own host's running jobs. Rows from before this version have no host: NULL
 * means "legacy, any host", and every host treats such a row as its own.
 */
export const migration007: Migration = {
  // the version is its position in MIGRATIONS
  version: 7,
  name: 'job-hosts',
  up: `
ALTER TABLE jobs ADD COLUMN host TEXT;
CREATE INDEX jobs_state_host ON jobs(state, host);
`,
};
