import type { Migration } from './types';

/*
 * Jobs by the deployment that covered them. Retention unlinks the jobs of every pruned
 * deployment (`UPDATE jobs SET deployment_id = NULL WHERE deployment_id = ?`), and the
 * jobs table keeps a row per push for good: without an index each pruned deployment
 * scanned all of them. Partial: a job is inserted with no deployment, so the webhook's
 * insert pays nothing for it; `deployment_id = ?` implies the index's condition.
 */
export const migration009: Migration = {
  // the version is its position in MIGRATIONS
  version: 9,
  name: 'job-deployments',
  up: `
CREATE INDEX jobs_deployment ON jobs(deployment_id) WHERE deployment_id IS NOT NULL;
`,
};
