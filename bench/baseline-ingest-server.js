'use strict';
/*
 * The baseline of the ingestion benchmark: the least a correct GitHub webhook receiver
 * does, on bare node:http. It reads the body, checks X-Hub-Signature-256 (HMAC-SHA256 over
 * the raw bytes, compared with timingSafeEqual), parses the JSON, and stores the same kind
 * of rows IntegralGit stores (the event, its commits and their links, one job) in one
 * transaction with the same pragmas (WAL, foreign keys, synchronous=FULL for that
 * transaction) before answering 202. Duplicate delivery ids answer 200.
 *
 *   node bench/baseline-ingest-server.js --port <n> --data-dir <dir> --secret <s>
 *
 * Prints `listening <port>` on stdout when ready.
 *
 * With --group-commit the requests that arrive while one transaction commits are stored
 * together in the next one (one fsync for all of them, each answered after it): not the
 * baseline, a what-if for IntegralGit's ingestion (webhook-ingestion.js --group-commit).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const Database = require('better-sqlite3');
const { parseArgs } = require('./lib/args');

const USAGE = 'usage: node bench/baseline-ingest-server.js --port <n> --data-dir <dir> --secret <secret> [--group-commit]';
const BODY_LIMIT = 25 * 1024 * 1024;

// The same tables, columns and indexes as IntegralGit's store for these rows (migration 001;
// jobs_coalesced_into partial since migration 010, as there). IntegralGit's indexes on
// the other columns (push_events_after, migration 006) are its own cost, not mirrored.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS repos (name TEXT PRIMARY KEY NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS push_events (
  id INTEGER PRIMARY KEY, repo TEXT NOT NULL REFERENCES repos(name), provider TEXT NOT NULL, delivery_id TEXT,
  event_type TEXT NOT NULL, ref TEXT NOT NULL, branch TEXT, tag TEXT, before_sha TEXT, after_sha TEXT,
  created INTEGER NOT NULL, deleted INTEGER NOT NULL, forced INTEGER NOT NULL, pusher TEXT, received_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS push_events_delivery ON push_events(provider, delivery_id);
CREATE INDEX IF NOT EXISTS push_events_repo ON push_events(repo, id);
CREATE INDEX IF NOT EXISTS push_events_repo_branch ON push_events(repo, branch, id);
CREATE TABLE IF NOT EXISTS commits (
  id INTEGER PRIMARY KEY, repo TEXT NOT NULL REFERENCES repos(name), sha TEXT NOT NULL, branch TEXT,
  message TEXT NOT NULL, author_name TEXT NOT NULL, author_email TEXT, timestamp TEXT NOT NULL, url TEXT,
  event_id INTEGER REFERENCES push_events(id), recorded_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS commits_repo_sha_branch ON commits(repo, sha, ifnull(branch, ''));
CREATE INDEX IF NOT EXISTS commits_repo ON commits(repo, id);
CREATE INDEX IF NOT EXISTS commits_repo_branch ON commits(repo, branch, id);
CREATE TABLE IF NOT EXISTS push_event_commits (
  event_id INTEGER NOT NULL REFERENCES push_events(id), commit_id INTEGER NOT NULL REFERENCES commits(id),
  position INTEGER NOT NULL, PRIMARY KEY (event_id, commit_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY, repo TEXT NOT NULL REFERENCES repos(name), branch TEXT, trigger_kind TEXT NOT NULL,
  event_id INTEGER REFERENCES push_events(id), target_commit TEXT, state TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0, coalesced_into INTEGER REFERENCES jobs(id), created_at TEXT NOT NULL,
  started_at TEXT, finished_at TEXT, deployment_id INTEGER);
CREATE INDEX IF NOT EXISTS jobs_state_repo ON jobs(state, repo, id);
CREATE INDEX IF NOT EXISTS jobs_repo ON jobs(repo, id);
CREATE INDEX IF NOT EXISTS jobs_event ON jobs(event_id);
CREATE INDEX IF NOT EXISTS jobs_coalesced_into ON jobs(coalesced_into) WHERE coalesced_into IS NOT NULL;
`;

function openDatabase(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'baseline.db'));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}

function createStorage(db, repo) {
  db.prepare('INSERT INTO repos (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(repo, new Date().toISOString());
  const insertEvent = db
    .prepare(
      `INSERT INTO push_events (repo, provider, delivery_id, event_type, ref, branch, tag, before_sha, after_sha, created, deleted, forced, pusher, received_at)
       VALUES (?, 'github', ?, 'push', ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    )
    .pluck();
  const insertCommit = db
    .prepare(
      `INSERT INTO commits (repo, sha, branch, message, author_name, author_email, timestamp, url, event_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    )
    .pluck();
  const findCommit = db.prepare("SELECT id FROM commits WHERE repo = ? AND sha = ? AND ifnull(branch, '') = ifnull(?, '')").pluck();
  const link = db.prepare('INSERT INTO push_event_commits (event_id, commit_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertJob = db
    .prepare(`INSERT INTO jobs (repo, branch, trigger_kind, event_id, state, attempts, created_at) VALUES (?, ?, 'webhook', ?, 'queued', 0, ?) RETURNING id`)
    .pluck();
  const storeOne = (deliveryId, push) => {
    const at = new Date().toISOString();
    const branch = push.ref.startsWith('refs/heads/') ? push.ref.slice('refs/heads/'.length) : null;
    const eventId = insertEvent.get(
      repo, deliveryId, push.ref, branch, push.before, push.after,
      push.created ? 1 : 0, push.deleted ? 1 : 0, push.forced ? 1 : 0, push.pusher ? push.pusher.name : null, at,
    );
    if (eventId === undefined) return null;
    (push.commits || []).forEach((c, position) => {
      const commitId =
        insertCommit.get(repo, c.id, branch, c.message || '', c.author ? c.author.name : '', c.author ? c.author.email : null, c.timestamp, c.url || null, eventId, at) ??
        findCommit.get(repo, c.id, branch);
      link.run(eventId, commitId, position);
    });
    return insertJob.get(repo, branch, eventId, at);
  };
  const single = db.transaction(storeOne);
  return { storeOne, store: (deliveryId, push) => single.immediate(deliveryId, push) };
}

/** Queue stores made in the same event-loop turn and commit them in one transaction. */
function groupCommitter(db, storeOne) {
  const pending = [];
  const many = db.transaction((items) => items.map((it) => storeOne(it.deliveryId, it.push)));
  const flush = () => {
    const items = pending.splice(0);
    let results;
    try {
      results = many.immediate(items);
    } catch (err) {
      for (const it of items) it.done(err);
      return;
    }
    items.forEach((it, i) => it.done(null, results[i]));
  };
  return (deliveryId, push, done) => {
    pending.push({ deliveryId, push, done });
    if (pending.length === 1) setImmediate(flush);
  };
}

function verifySignature(secret, body, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = crypto.createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function main() {
  const opts = parseArgs(process.argv.slice(2), { port: 0, dataDir: '', secret: '', repo: 'app', groupCommit: false }, USAGE);
  if (!opts.dataDir || !opts.secret) {
    console.error(USAGE);
    process.exit(2);
  }
  const db = openDatabase(opts.dataDir);
  const storage = createStorage(db, opts.repo);
  const grouped = opts.groupCommit ? groupCommitter(db, storage.storeOne) : null;
  const save = (deliveryId, push, done) => {
    if (grouped) return grouped(deliveryId, push, done);
    let jobId;
    try {
      jobId = storage.store(deliveryId, push);
    } catch (err) {
      return done(err);
    }
    done(null, jobId);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/update') return answer(res, 404, { error: 'not found' });
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        answer(res, 413, { error: 'body too large' });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks);
      if (!verifySignature(opts.secret, body, req.headers['x-hub-signature-256'])) return answer(res, 401, { error: 'bad signature' });
      let push;
      try {
        push = JSON.parse(body.toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'malformed JSON' });
      }
      if (typeof push.ref !== 'string') return answer(res, 400, { error: 'no ref' });
      const deliveryId = req.headers['x-github-delivery'] || null;
      save(deliveryId, push, (err, jobId) => {
        if (err) return answer(res, 500, { error: 'storage failed' });
        if (jobId === null) return answer(res, 200, { duplicate: true });
        answer(res, 202, { accepted: true, jobs: [jobId] });
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  const stop = () => server.close(() => {
    db.close();
    process.exit(0);
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
