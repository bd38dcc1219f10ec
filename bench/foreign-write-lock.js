'use strict';
/*
 * /healthz latency while another process holds the database's write lock (issue 10 item 5):
 * `integralgit serve` in its own process, a second process that takes `BEGIN IMMEDIATE` on
 * its database and holds it for --hold ms, a signed push sent just after the lock is taken,
 * and /healthz asked every 100 ms meanwhile. Baseline, same run: /healthz with no lock held.
 *
 *   npm run build && node bench/foreign-write-lock.js [--hold 6000]
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { parseArgs } = require('./lib/args');
const { makeTempRoot, runCleanups } = require('./lib/temp-root');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { pushBody, signedHeaders } = require('./lib/push-body');
const { median, percentile, fmt, verdict, table } = require('./lib/stats');

const USAGE = `usage: node bench/foreign-write-lock.js [options]
  --hold <ms>     how long the other process holds the write lock (default 6000)
  --keep          keep the temp dir`;
const SECRET = 'lock-bench-secret';

function holdLock(file, ms) {
  const script = `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('busy_timeout = 10000'); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((done) => child.once('exit', () => done(performance.now())));
  // wrapped: a promise resolved with a promise would wait for the release itself
  return new Promise((resolve) => child.stdout.once('data', () => resolve({ exited })));
}

async function healthzTimes(url, untilMs) {
  const times = [];
  const statuses = {};
  const end = Date.now() + untilMs;
  while (Date.now() < end) {
    const t0 = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    await sleep(100);
  }
  return { times, statuses };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { hold: 6000, keep: false }, USAGE);
  const root = makeTempRoot('ig-bench-lock-', { keep: opts.keep });
  const port = await freePort();
  const dataDir = path.join(root, 'data');
  const settingsFile = writeSettings(path.join(root, 'settings.json'), {
    listen: { host: '127.0.0.1', port },
    dataDir,
    hostname: 'bench',
    allowedRoots: [path.join(root, 'deployments')],
    repos: { app: { url: 'https://git.example.com/acme/app.git', secret: SECRET } },
  });
  fs.mkdirSync(path.join(root, 'deployments'), { recursive: true });
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'serve.log') });
  try {
    const base = await healthzTimes(server.url, 2_000);
    const released = await holdLock(path.join(dataDir, 'integralgit.db'), Number(opts.hold));
    const lockedAt = performance.now();
    const body = pushBody({ cloneUrl: 'https://git.example.com/acme/app.git', branch: 'master', seed: 'locked' });
    const push = fetch(`${server.url}/update`, { method: 'POST', body, headers: signedHeaders(body, SECRET, 'locked-1') }).then(async (r) => ({ status: r.status, ms: performance.now() - lockedAt, text: await r.text() }));
    const locked = await healthzTimes(server.url, Number(opts.hold) - 500);
    const pushed = await push;
    const releasedAt = (await released.exited) - lockedAt;
    console.log(
      table(
        ['phase', 'requests', 'statuses', 'median ms', 'p95 ms', 'max ms'],
        [
          ['/healthz, no lock (baseline)', base.times.length, JSON.stringify(base.statuses), fmt(median(base.times)), fmt(percentile(base.times, 95)), fmt(Math.max(...base.times))],
          [`/healthz, write lock held ${opts.hold} ms`, locked.times.length, JSON.stringify(locked.statuses), fmt(median(locked.times)), fmt(percentile(locked.times, 95)), fmt(Math.max(...locked.times))],
        ],
      ),
    );
    console.log(`push sent under the lock: ${pushed.status} after ${fmt(pushed.ms)} ms (lock released after ${fmt(releasedAt)} ms): ${pushed.text.slice(0, 160)}`);
    const ok = Math.max(...locked.times) < 1000 && (pushed.status === 202 || pushed.status === 503);
    console.log(`/healthz max ${fmt(Math.max(...locked.times))} ms under a foreign write lock (target < 1000 ms) ${verdict(ok)}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await server.stop(5_000);
    runCleanups();
  }
}

main().catch((err) => {
  console.error(err);
  runCleanups();
  process.exit(1);
});
