'use strict';
/*
 * Crash safety: repeated runs of "start `integralgit serve`, send a burst of signed pushes
 * concurrently (new delivery ids, alternating a deployed and a not-deployed branch), kill -9
 * the server at a random moment during or after the burst, restart it, let the queue
 * drain". Every push that got a 202 must be in the database afterwards with its job done or
 * coalesced into a deployment that was recorded; the database must pass
 * `PRAGMA integrity_check` right after the crash and after the drain; and the working copy
 * must end on the newest pushed commit of the deployed branch.
 *
 *   npm run build && node bench/crash-safety.js [--runs 20] [--burst 30] [--kill-window 1500]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { githubPushPayload } = require('../dist/lib/demo/github-push');
const { openStore } = require('../dist/lib/store');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { createServedRepo, gitAsync } = require('./lib/git-repo');
const { startIntegralGit, freePort, writeSettings, tail } = require('./lib/integralgit-child');
const { signedHeaders } = require('./lib/push-body');
const { describeEnvironment } = require('./lib/environment');
const { fmt, verdict, table } = require('./lib/stats');

const USAGE = `usage: node bench/crash-safety.js [options]
  --runs <n>           crash/restart runs (default 20)
  --burst <n>          concurrent pushes per run (default 30)
  --kill-window <ms>   the kill lands at a uniformly random time in [0, this] after the
                       burst starts (default 1000: during the burst, during the deployments
                       it caused, or after them)
  --script-ms <ms>     how long the deploy script runs (default 200)
  --max-seconds <s>    start no new run after this long (default 180)
  --seed <n>           seed of the kill times (default: random)
  --tmp-dir <dir>      where the repos and data go (default the OS temp dir)
  --keep               keep the temp dir
  --json <file>        also write the figures as JSON`;

const BRANCHES = ['master', 'feature'];

async function main() {
  const opts = parseArgs(
    process.argv.slice(2),
    { runs: 20, burst: 30, killWindow: 1000, scriptMs: 200, maxSeconds: 180, seed: -1, tmpDir: require('node:os').tmpdir(), keep: false, json: '' },
    USAGE,
  );
  const started = Date.now();
  const random = seededRandom(opts.seed >= 0 ? opts.seed : crypto.randomInt(2 ** 31));
  const root = makeTempRoot('ig-bench-crash-', { keep: opts.keep, base: opts.tmpDir });
  const environment = describeEnvironment(root);
  console.log(`environment: ${environment.text}`);
  const deployRoot = path.join(root, 'deployments');
  const location = path.join(deployRoot, 'app');
  fs.mkdirSync(deployRoot);
  const repo = await createServedRepo(root, {
    files: { 'deploy.sh': `#!/bin/sh\nsleep ${(opts.scriptMs / 1000).toFixed(3)}\necho "deployed $INTEGRALGIT_COMMIT"\n` },
    config: { configs: { base: { location, script: './deploy.sh', branch: 'master' } } },
  });
  repo.commit('feature', 'feature branch');
  const secret = crypto.randomBytes(24).toString('hex');
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  const settingsFile = writeSettings(path.join(root, 'settings.json'), {
    listen: { host: '127.0.0.1', port },
    dataDir,
    hostname: 'bench-host',
    allowedRoots: [deployRoot],
    repos: { app: { url: repo.url, secret } },
  });
  const logFile = path.join(root, 'integralgit.out');
  console.log(`crash safety: ${opts.runs} runs of ${opts.burst} concurrent pushes (branches ${BRANCHES.join(', ')}; ${BRANCHES[0]} is deployed, ${opts.scriptMs} ms script), kill -9 at a random time in [0, ${opts.killWindow}] ms, restart, drain`);

  const runs = [];
  let interruptedSoFar = 0;
  for (let n = 1; n <= opts.runs; n++) {
    if (Date.now() - started > opts.maxSeconds * 1000) {
      console.log(`stopping after ${n - 1} runs: --max-seconds ${opts.maxSeconds} reached`);
      break;
    }
    const heads = Object.fromEntries(BRANCHES.map((b) => [b, repo.commit(b, `run ${n} on ${b}`)]));
    const server = await startIntegralGit({ settingsFile, port, logFile });
    const killAt = Math.round(random() * opts.killWindow);
    const burst = sendBurst(server.url, repo.url, secret, heads, opts.burst, n);
    const t0 = Date.now();
    await sleep(killAt);
    const answeredAtKill = burst.answered();
    await server.crash();
    const sent = await burst.done;
    const afterCrash = checkDatabase(dataDir);

    const restarted = await startIntegralGit({ settingsFile, port, logFile });
    const drainMs = await waitForDrain(restarted.url, logFile);
    await restarted.stop();
    const check = checkDeliveries(dataDir, sent, interruptedSoFar);
    interruptedSoFar += check.interrupted;
    const deployedHead = (await gitAsync(location, ['rev-parse', 'HEAD']).catch(() => null)) || null;
    // the newest master commit must be deployed if any master push of this run reached the database
    const headOk = check.storedBranches.has('master') ? deployedHead === heads.master : true;
    const run = {
      run: n,
      killAtMs: killAt,
      phase: answeredAtKill < opts.burst ? `during burst (${answeredAtKill}/${opts.burst} answered)` : 'after burst',
      accepted: sent.filter((s) => s.status === 202).length,
      unanswered: sent.filter((s) => s.status === null).length,
      other: sent.filter((s) => s.status !== null && s.status !== 202).length,
      stored: check.storedEvents,
      lost: check.lost.length,
      lostDetail: check.lost,
      integrityAfterCrash: afterCrash,
      integrityAfterDrain: check.integrity,
      recovered: check.interrupted,
      headOk,
      drainMs,
      burstAnsweredMs: burst.lastAnswerMs(),
      elapsedMs: Date.now() - t0,
    };
    runs.push(run);
    console.log(
      `  run ${String(n).padStart(2)}: kill at ${String(killAt).padStart(4)} ms ${run.phase}; accepted ${run.accepted}, unanswered ${run.unanswered}, stored ${run.stored}, ` +
        `lost ${run.lost}; last answer at ${run.burstAnsweredMs ?? '-'} ms; drained in ${drainMs} ms; integrity ${run.integrityAfterCrash}/${run.integrityAfterDrain}; interrupted deployments ${run.recovered}; deployed head ${headOk ? 'ok' : `WRONG (${deployedHead})`}`,
    );
    for (const l of check.lost) console.log(`      lost: ${JSON.stringify(l)}`);
  }
  await repo.close();

  const total = (k) => runs.reduce((s, r) => s + r[k], 0);
  const result = {
    environment,
    runs: runs.length,
    burst: opts.burst,
    accepted: total('accepted'),
    unanswered: total('unanswered'),
    lost: total('lost'),
    integrityOk: runs.every((r) => r.integrityAfterCrash === 'ok' && r.integrityAfterDrain === 'ok'),
    headsOk: runs.every((r) => r.headOk),
    killsDuringBurst: runs.filter((r) => r.phase.startsWith('during')).length,
    interruptedDeployments: total('recovered'),
    details: runs,
  };
  console.log('');
  console.log(
    table(
      ['runs', 'kills during burst', 'pushes accepted', 'unanswered (killed in flight)', 'accepted pushes lost', 'integrity_check', 'interrupted deployments'],
      [[result.runs, result.killsDuringBurst, result.accepted, result.unanswered, result.lost, result.integrityOk ? `ok (${2 * result.runs}/${2 * result.runs})` : 'FAILED', result.interruptedDeployments]],
    ),
  );
  console.log('');
  console.log(`accepted pushes lost: ${result.lost} (target 0) ${verdict(result.lost === 0)}`);
  console.log(`PRAGMA integrity_check after every crash and every drain: ${result.integrityOk ? 'ok' : 'FAILED'} ${verdict(result.integrityOk)}`);
  console.log(`newest deployed-branch commit deployed after every run: ${verdict(result.headsOk)}`);
  console.log(`total ${fmt((Date.now() - started) / 1000, 0)} s`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
  return result;
}

/**
 * `count` signed pushes at once, alternating branches, each with a new delivery id.
 * A push whose connection dies with the server has status null (its fate is unknown to
 * the sender, as for GitHub, which would redeliver it).
 */
function sendBurst(serverUrl, cloneUrl, secret, heads, count, run) {
  let answered = 0;
  const t0 = Date.now();
  let lastAnswerMs = null;
  const one = async (i) => {
    const branch = BRANCHES[i % BRANCHES.length];
    const deliveryId = crypto.randomUUID();
    const body = githubPushPayload({
      cloneUrl,
      ref: `refs/heads/${branch}`,
      before: '0'.repeat(40),
      after: heads[branch],
      commits: [{ id: heads[branch], message: `run ${run} on ${branch}`, authorName: 'Bench Author', authorEmail: 'bench@example.com', timestamp: new Date().toISOString() }],
    });
    try {
      const res = await fetch(`${serverUrl}/update`, { method: 'POST', body, headers: signedHeaders(body, secret, deliveryId) });
      await res.arrayBuffer();
      answered++;
      lastAnswerMs = Date.now() - t0;
      return { deliveryId, branch, status: res.status };
    } catch {
      return { deliveryId, branch, status: null };
    }
  };
  return { done: Promise.all(Array.from({ length: count }, (_, i) => one(i))), answered: () => answered, lastAnswerMs: () => lastAnswerMs };
}

/** The database as the crash left it: what the restarted server will open. */
function checkDatabase(dataDir) {
  const store = openStore(dataDir);
  try {
    return store.integrityCheck();
  } finally {
    store.close();
  }
}

/** Wait until nothing is queued or running (healthz twice in a row, 100 ms apart). */
async function waitForDrain(url, logFile, timeoutMs = 60_000) {
  const t0 = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    const health = await (await fetch(`${url}/healthz`)).json();
    quiet = health.queueDepth === 0 && health.workers.active === 0 ? quiet + 1 : 0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`the queue did not drain within ${timeoutMs} ms:\n${tail(logFile)}`);
    await sleep(100);
  }
  return Date.now() - t0;
}

/**
 * Every accepted delivery: its event is stored, it has a job, and every job is `done` with
 * a deployment or `coalesced` into a job whose deployment was recorded. Deliveries that got
 * no answer are checked the same way when they reached the database.
 */
function checkDeliveries(dataDir, sent, interruptedBefore) {
  const store = openStore(dataDir);
  try {
    const db = store.db;
    const event = db.prepare("SELECT id, branch FROM push_events WHERE provider = 'github' AND delivery_id = ?");
    const jobs = db.prepare('SELECT id, state, coalesced_into, deployment_id FROM jobs WHERE event_id = ?');
    const deployment = db.prepare('SELECT id, status FROM deployments WHERE id = ?');
    const lost = [];
    const storedBranches = new Set();
    let storedEvents = 0;
    for (const s of sent) {
      const e = event.get(s.deliveryId);
      if (!e) {
        if (s.status === 202) lost.push({ deliveryId: s.deliveryId, why: 'accepted but no event in the database' });
        continue;
      }
      storedEvents++;
      storedBranches.add(e.branch);
      const js = jobs.all(e.id);
      const problem =
        js.length === 0
          ? 'event stored without a job'
          : js
              .map((j) => {
                if (j.state !== 'done' && j.state !== 'coalesced') return `job ${j.id} still ${j.state}`;
                if (j.deployment_id === null) return `job ${j.id} ${j.state} without a deployment`;
                const d = deployment.get(j.deployment_id);
                if (!d || d.status === 'queued' || d.status === 'running') return `job ${j.id}: deployment ${j.deployment_id} ${d ? d.status : 'missing'}`;
                return null;
              })
              .filter(Boolean)
              .join('; ');
      if (problem) lost.push({ deliveryId: s.deliveryId, status: s.status, why: problem });
    }
    const interrupted = db.prepare("SELECT count(*) FROM deployments WHERE error_code = 'IG_INTERRUPTED'").pluck().get() - interruptedBefore;
    return { integrity: store.integrityCheck(), lost, storedEvents, storedBranches, interrupted };
  } finally {
    store.close();
  }
}

/** mulberry32: reproducible kill times with --seed. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { main };

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err && err.stack ? err.stack : err);
      process.exit(1);
    },
  );
}
