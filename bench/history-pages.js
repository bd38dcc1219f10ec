'use strict';
// Issue 7's figure: `/<repo>` and `/api/repos/<repo>` latency with 100,000 commits and
// 20,000 deployments stored, first page and page 500, next to the same requests on a repo
// with 10 commits, measured in the same run (ratio: it must stay near 1).
// Usage: npm run build && node bench/history-pages.js [--commits N] [--deployments N] [--samples N]
const fs = require('node:fs');
const path = require('node:path');
const { openStore } = require('../dist/lib/store');
const { makeTempRoot, runCleanups } = require('./lib/temp-root');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { percentile, median, fmt, table } = require('./lib/stats');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const COMMITS = arg('commits', 100_000);
const DEPLOYMENTS = arg('deployments', 20_000);
const SAMPLES = arg('samples', 200);
const PER_PUSH = 5;
const PUSHES_PAGE = 15; // server/pages/repo-page.ts PUSHES_PAGE_SIZE
const API_PAGE = 50; // the API's default page size

const sha = (n) => n.toString(16).padStart(40, '0');

function seed(store, repo, commits, deployments) {
  store.ensureRepo(repo);
  let n = 0;
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  while (n < commits) {
    const batch = [];
    for (let p = 0; p < 200 && n < commits; p++) {
      const cs = [];
      for (let c = 0; c < PER_PUSH && n < commits; c++, n++) {
        cs.push({ id: sha(n + 1), message: `Change number ${n}\n\nA longer body for commit ${n}.`, authorName: `Dev ${n % 17}`, authorEmail: `dev${n % 17}@example.com`, timestamp: new Date(t0 + n * 60_000).toISOString(), url: `https://git.example.com/acme/${repo}/commit/${sha(n + 1)}` });
      }
      batch.push({ repo, provider: 'github', deliveryId: `${repo}-${n}`, eventType: 'push', ref: 'refs/heads/master', branch: 'master', before: sha(n - cs.length), after: cs[cs.length - 1].id, created: false, deleted: false, forced: false, pusher: 'dev', commits: cs, jobs: [] });
    }
    store.durably(() => store.recordPushEvents(batch));
  }
  store.durably(() => {
    for (let d = 0; d < deployments; d++) {
      const id = store.createDeployment({ repo, host: 'bench-host', trigger: 'webhook', branch: 'master', status: 'queued' });
      const start = new Date(t0 + d * 300_000);
      store.updateDeployment(id, { status: d % 10 === 0 ? 'failed' : 'succeeded', commit: sha(Math.min(commits, d * 5 + 1)), startedAt: start.toISOString(), finishedAt: new Date(start.getTime() + 4000).toISOString(), exitCode: d % 10 === 0 ? 1 : 0 });
    }
  });
}

async function measure(url) {
  for (let i = 0; i < 10; i++) await (await fetch(url)).arrayBuffer(); // warm-up
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = process.hrtime.bigint();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { median: median(times), p99: percentile(times, 99) };
}

(async () => {
  const root = makeTempRoot('ig-bench-history-');
  const dataDir = path.join(root, 'data');
  const t = Date.now();
  const store = openStore(dataDir);
  seed(store, 'big', COMMITS, DEPLOYMENTS);
  seed(store, 'small', 10, 2);
  const maxEvent = store.listPushEvents('big', { limit: 1 }).items[0].id;
  const maxCommit = store.listCommits('big', { limit: 1 }).items[0].seq;
  store.close();
  console.log(`seeded ${COMMITS} commits in ${COMMITS / PER_PUSH} pushes and ${DEPLOYMENTS} deployments in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const port = await freePort();
  const settingsFile = writeSettings(path.join(root, 'settings.json'), {
    listen: { host: '127.0.0.1', port },
    dataDir,
    hostname: 'bench-host',
    allowedRoots: [path.join(root, 'www')],
    repos: { big: { url: 'https://git.example.com/acme/big.git', secret: 'x' }, small: { url: 'https://git.example.com/acme/small.git', secret: 'x' } },
  });
  fs.mkdirSync(path.join(root, 'www'));
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'server.log') });
  const page500Pushes = maxEvent + 1 - 499 * PUSHES_PAGE;
  const page500Commits = maxCommit + 1 - 499 * API_PAGE;
  // deployments have fewer pages than commits: page 500, or their last page when there are fewer
  const deepest = (pageSize) => DEPLOYMENTS + 1 - Math.min(499, Math.floor((DEPLOYMENTS - 1) / pageSize)) * pageSize;
  const cases = [
    ['/<repo> page 1', '/big', '/small'],
    ['/<repo> page 500', `/big?pushesBefore=${page500Pushes}&deploymentsBefore=${deepest(20)}`, '/small'],
    ['/api/repos/<repo> page 1', '/api/repos/big', '/api/repos/small'],
    ['/api/repos/<repo> page 500', `/api/repos/big?commitsBefore=${page500Commits}&deploymentsBefore=${deepest(API_PAGE)}`, '/api/repos/small'],
  ];
  const rows = [];
  for (const [name, bigPath, smallPath] of cases) {
    const big = await measure(server.url + bigPath);
    const small = await measure(server.url + smallPath);
    rows.push([name, fmt(big.median, 2), fmt(big.p99, 2), fmt(small.median, 2), fmt(small.p99, 2), fmt(big.median / small.median, 2)]);
  }
  console.log(`\n${SAMPLES} sequential requests per row after 10 warm-up; 2 shared cores; big = ${COMMITS} commits / ${DEPLOYMENTS} deployments, small = 10 commits`);
  console.log(table(['request', 'big median ms', 'big p99 ms', 'small median ms', 'small p99 ms', 'big/small (median)'], rows));
  console.log(`depth: page 500 / page 1 (median): pages ${fmt(Number(rows[1][1]) / Number(rows[0][1]), 2)}, API ${fmt(Number(rows[3][1]) / Number(rows[2][1]), 2)}`);
  console.log('(a page of the big repo shows 15 pushes of 5 commits and 20 deployments; the small one 2 pushes and 2 deployments)');
  await server.stop(5000);
  runCleanups();
})().catch((err) => {
  console.error(err);
  runCleanups();
  process.exit(1);
});
