import type { Migration } from './types';

/*
 * Safe deployments (SPEC §10). Numbered 005 at its merge; its
 * `version` is its position in MIGRATIONS (contiguous 1..N), set when it is merged.
 *
 * bad_commits: a commit whose deployment failed its script or health check and was
 * reverted, per repo and host; the poller and webhook redeliveries leave it alone until a
 * new push or `trigger` deploys it (which forgets it). deployments gain the outcome of the
 * health gate, the commit a revert went back to, and the release directory's name.
 */
export const migration005: Migration = {
  version: 5,
  name: 'safe-deployments',
  up: `
CREATE TABLE bad_commits (
  repo TEXT NOT NULL REFERENCES repos(name),
  host TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  deployment_id INTEGER REFERENCES deployments(id),
  reason TEXT,
  remembered_at TEXT NOT NULL,
  PRIMARY KEY (repo, host, commit_sha)
) WITHOUT ROWID;

ALTER TABLE deployments ADD COLUMN health TEXT CHECK (health IN ('passed', 'failed', 'none'));
ALTER TABLE deployments ADD COLUMN reverted_to TEXT;
ALTER TABLE deployments ADD COLUMN release_name TEXT;
`,
};
