'use strict';
/*
 * How long a signed push waits for its 202 while slow clients hold request bodies open
 * (issue 10 item 6): `integralgit serve` in its own process, N connections that POST
 * /update with a chunked body (half of them gzip) and send one byte every 200 ms, then
 * signed GitHub pushes one after another; each is timed from just before the POST to the
 * 202. Baseline, same run: the same pushes with no slow connection open.
 *
 *   npm run build && node bench/trickle-push.js [--slow 11] [--pushes 20]
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const zlib = require('node:zlib');
const { setTimeout: sleep } = require('node:timers/promises');
const { parseArgs } = require('./lib/args');
const { makeTempRoot, runCleanups } = require('./lib/temp-root');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { pushBody, signedHeaders } = require('./lib/push-body');
const { median, percentile, fmt, verdict, table } = require('./lib/stats');

const USAGE = `usage: node bench/trickle-push.js [options]
  --slow <n>      trickling connections held open (default 11: 11 x 25 MB bodyLimit > the 256 MB budget)
  --pushes <n>    measured signed pushes per phase (default 20)
  --target <ms>   the median a push may wait (default 100)
  --keep          keep the temp dir`;

const SECRET = 'trickle-bench-secret';

function trickler(port, gzip) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`POST /update HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\nTransfer-Encoding: chunked\r\n${gzip ? 'Content-Encoding: gzip\r\n' : ''}\r\n`);
  const bytes = gzip ? zlib.gzipSync(Buffer.alloc(64 * 1024, 'x')) : Buffer.alloc(64 * 1024, ' ');
  let i = 0;
  const timer = setInterval(() => {
    if (socket.writable) socket.write(Buffer.concat([Buffer.from('1\r\n'), bytes.subarray(i, ++i), Buffer.from('\r\n')]));
  }, 200);
  return () => (clearInterval(timer), socket.destroy());
}

async function timePushes(url, n, tag) {
  const times = [];
  const statuses = {};
  for (let i = 0; i < n; i++) {
    const body = pushBody({ cloneUrl: 'https://git.example.com/acme/app.git', branch: 'master', seed: `${tag}-${i}` });
    const t0 = performance.now();
    const res = await fetch(`${url}/update`, { method: 'POST', body, headers: signedHeaders(body, SECRET, `${tag}-${i}`) });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  return { times, statuses };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { slow: 11, pushes: 20, target: 100, keep: false }, USAGE);
  const root = makeTempRoot('ig-bench-trickle-', { keep: opts.keep });
  const port = await freePort();
  const settingsFile = writeSettings(path.join(root, 'settings.json'), {
    listen: { host: '127.0.0.1', port },
    dataDir: path.join(root, 'data'),
    hostname: 'bench',
    allowedRoots: [path.join(root, 'deployments')],
    // the pushes only need their 202: the repo is never fetched (no poll, the jobs fail fast)
    repos: { app: { url: 'https://git.example.com/acme/app.git', secret: SECRET } },
  });
  fs.mkdirSync(path.join(root, 'deployments'), { recursive: true });
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'serve.log') });
  try {
    await timePushes(server.url, 3, 'warmup');
    const base = await timePushes(server.url, Number(opts.pushes), 'baseline');
    const stops = Array.from({ length: Number(opts.slow) }, (_, i) => trickler(port, i % 2 === 1));
    await sleep(500); // every slow body is being read
    const slow = await timePushes(server.url, Number(opts.pushes), 'trickle');
    stops.forEach((stop) => stop());
    const med = median(slow.times);
    console.log(
      table(
        ['phase', 'pushes', 'statuses', 'median ms', 'p95 ms', 'max ms'],
        [
          ['no slow connection (baseline)', base.times.length, JSON.stringify(base.statuses), fmt(median(base.times)), fmt(percentile(base.times, 95)), fmt(Math.max(...base.times))],
          [`${opts.slow} trickling bodies open`, slow.times.length, JSON.stringify(slow.statuses), fmt(med), fmt(percentile(slow.times, 95)), fmt(Math.max(...slow.times))],
        ],
      ),
    );
    const ok = slow.statuses[202] === slow.times.length && med < Number(opts.target);
    console.log(`signed push 202 while ${opts.slow} bodies trickle: median ${fmt(med)} ms (target < ${opts.target} ms) ${verdict(ok)}`);
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
