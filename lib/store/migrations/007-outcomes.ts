import type { Migration } from './types';

/*
 * Deployment outcomes leaving the host (SPEC §9, issue 13).
 * - deliveries: the outcome `missed` (the branch moved and no webhook announced it). A
 *   CHECK constraint cannot be altered in SQLite, so the table is rebuilt as-is with the
 *   wider list; ids, and so the deliveries log's order and bound, are kept.
 * - push_events_after: "did any delivery ever announce this head?", asked on every poll.
 */
export const migration007: Migration = {
  // numbered 007 as assigned; the version follows the list position (renumbered at merge)
  version: 6,
  name: 'outcomes',
  up: `
CREATE TABLE deliveries_new (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  remote_addr TEXT,
  provider TEXT,
  event TEXT,
  delivery_id TEXT,
  repo TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'ignored', 'rejected', 'ping', 'missed')),
  status_code INTEGER NOT NULL,
  reason TEXT,
  job_ids TEXT NOT NULL DEFAULT '[]',
  body TEXT,
  body_truncated INTEGER NOT NULL DEFAULT 0
);
INSERT INTO deliveries_new (id, received_at, remote_addr, provider, event, delivery_id, repo, outcome, status_code, reason, job_ids, body, body_truncated)
  SELECT id, received_at, remote_addr, provider, event, delivery_id, repo, outcome, status_code, reason, job_ids, body, body_truncated FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_repo ON deliveries(repo, id);
CREATE INDEX deliveries_outcome ON deliveries(outcome, id);

CREATE INDEX push_events_after ON push_events(repo, after_sha);
`,
};
