import type { Migration } from './types';

/*
 * Column names avoid SQL keywords (`commit`, `trigger`): commit_sha, trigger_kind.
 * Every list the pages paginate has an index ending in the row id, so "newest first,
 * before <cursor>" is an index range search at any depth (keyset pagination).
 * Enum CHECKs cover only the closed sets the SPEC defines; trigger_kind is checked in code
 * so a new trigger does not need a table rebuild.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE repos (
  name TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE push_events (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL REFERENCES repos(name),
  provider TEXT NOT NULL,
  delivery_id TEXT,
  event_type TEXT NOT NULL,
  ref TEXT NOT NULL,
  branch TEXT,
  tag TEXT,
  before_sha TEXT,
  after_sha TEXT,
  created INTEGER NOT NULL CHECK (created IN (0, 1)),
  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
  pusher TEXT,
  received_at TEXT NOT NULL
);
-- NULL delivery ids are distinct, so only deliveries that carry an id are de-duplicated.
CREATE UNIQUE INDEX push_events_delivery ON push_events(provider, delivery_id);
CREATE INDEX push_events_repo ON push_events(repo, id);
CREATE INDEX push_events_repo_branch ON push_events(repo, branch, id);

CREATE TABLE commits (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL REFERENCES repos(name),
  sha TEXT NOT NULL,
  branch TEXT,
  message TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT,
  timestamp TEXT NOT NULL,
  url TEXT,
  event_id INTEGER REFERENCES push_events(id),
  recorded_at TEXT NOT NULL
);
-- One row per commit per branch; also serves getCommit(repo, sha).
CREATE UNIQUE INDEX commits_repo_sha_branch ON commits(repo, sha, ifnull(branch, ''));
CREATE INDEX commits_repo ON commits(repo, id);
CREATE INDEX commits_repo_branch ON commits(repo, branch, id);

-- Which commits each push carried (a commit pushed again to its branch is linked, not copied).
CREATE TABLE push_event_commits (
  event_id INTEGER NOT NULL REFERENCES push_events(id),
  commit_id INTEGER NOT NULL REFERENCES commits(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (event_id, commit_id)
) WITHOUT ROWID;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL REFERENCES repos(name),
  branch TEXT,
  trigger_kind TEXT NOT NULL,
  event_id INTEGER REFERENCES push_events(id),
  target_commit TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'coalesced')),
  attempts INTEGER NOT NULL DEFAULT 0,
  coalesced_into INTEGER REFERENCES jobs(id),
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  deployment_id INTEGER REFERENCES deployments(id)
);
CREATE INDEX jobs_state_repo ON jobs(state, repo, id);
CREATE INDEX jobs_repo ON jobs(repo, id);
CREATE INDEX jobs_event ON jobs(event_id);
CREATE INDEX jobs_coalesced_into ON jobs(coalesced_into);

CREATE TABLE deployments (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL REFERENCES repos(name),
  host TEXT NOT NULL,
  branch TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped')),
  commit_sha TEXT,
  previous_commit TEXT,
  trigger_kind TEXT NOT NULL,
  job_id INTEGER REFERENCES jobs(id),
  config_commit TEXT,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  duration_ms INTEGER,
  exit_code INTEGER,
  signal TEXT,
  error_code TEXT,
  error TEXT,
  skip_reason TEXT,
  steps TEXT NOT NULL DEFAULT '[]',
  coalesced_job_ids TEXT NOT NULL DEFAULT '[]',
  -- bookkeeping of the bounded log (deployment_log)
  log_seq INTEGER NOT NULL DEFAULT 0,
  log_bytes INTEGER NOT NULL DEFAULT 0,
  log_dropped_bytes INTEGER NOT NULL DEFAULT 0,
  log_marker_seq INTEGER
);
CREATE INDEX deployments_repo ON deployments(repo, id);
CREATE INDEX deployments_repo_status ON deployments(repo, status, id);
CREATE INDEX deployments_repo_branch ON deployments(repo, branch, id);
CREATE INDEX deployments_repo_host ON deployments(repo, host, id);
CREATE INDEX deployments_repo_host_status ON deployments(repo, host, status, id);
CREATE INDEX deployments_job ON deployments(job_id);

CREATE TABLE deployment_log (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
  text TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (deployment_id, seq)
);

CREATE TABLE config_versions (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL REFERENCES repos(name),
  commit_sha TEXT NOT NULL,
  raw TEXT NOT NULL,
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  errors TEXT NOT NULL DEFAULT '[]',
  config TEXT,
  first_seen_at TEXT NOT NULL,
  fetched_at TEXT NOT NULL
);
CREATE UNIQUE INDEX config_versions_repo_commit ON config_versions(repo, commit_sha);
CREATE INDEX config_versions_latest ON config_versions(repo, fetched_at, id);
CREATE INDEX config_versions_valid ON config_versions(repo, valid, fetched_at, id);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  remote_addr TEXT,
  provider TEXT,
  event TEXT,
  delivery_id TEXT,
  repo TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'ignored', 'rejected', 'ping')),
  status_code INTEGER NOT NULL,
  reason TEXT,
  job_ids TEXT NOT NULL DEFAULT '[]',
  body TEXT,
  body_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_repo ON deliveries(repo, id);
CREATE INDEX deliveries_outcome ON deliveries(outcome, id);

CREATE TABLE pins (
  repo TEXT NOT NULL REFERENCES repos(name),
  host TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  pinned_by TEXT,
  pinned_at TEXT NOT NULL,
  PRIMARY KEY (repo, host)
);
`,
};
