import type { Migration } from './types';

/*
 * The durable outbox (SPEC §9): every message that leaves the host (notification, commit
 * status, fleet publish) is a row first, written by a deployment-event subscriber, and
 * delivered later by the dispatcher (lib/outbox) with retries, so a slow or dead target
 * never delays a deployment and nothing is lost to a restart. `target` is the delivery
 * lane: one target's messages go one at a time and in order, other targets never wait on
 * it. A pending row whose `next_attempt_at` is in the future is either backing off or
 * leased by a process attempting it right now (the lease runs out if that process dies).
 */
export const migration003: Migration = {
  version: 3,
  name: 'outbox',
  up: `
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  event TEXT,
  payload TEXT NOT NULL,
  deployment_id INTEGER REFERENCES deployments(id) ON DELETE SET NULL,
  repo TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_lane ON outbox (target, id) WHERE status = 'pending';
CREATE INDEX outbox_deployment ON outbox (deployment_id) WHERE deployment_id IS NOT NULL;

CREATE TABLE outbox_attempts (
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  error TEXT,
  PRIMARY KEY (outbox_id, attempt)
);
`,
};
