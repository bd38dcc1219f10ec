'use strict';
// Issue 7's and issue 17's figures: `/<repo>` and `/api/repos/<repo>` latency with 100,000
// commits and 20,000 deployments stored, first page and page 500, next to the same requests
// on a repo with 10 commits, measured in the same run (ratio: it must stay near 1); then
// (issue 17) search latency for message words and a sha prefix at that size, and, with
// --baseline DIR, `/<repo>` p99 of this checkout (with the chart) against another checkout
// (built, e.g. the commit before the chart), both seeded alike and asked in turn.
// Usage: npm run build && node bench/history-pages.js [--commits N] [--deployments N] [--samples N] [--baseline DIR]
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { makeTempRoot, runCleanups } = require('./lib/temp-root');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { percentile, median, fmt, table, verdict } = require('./lib/stats');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
function stringArg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const COMMITS = arg('commits', 100_000);
const DEPLOYMENTS = arg('deployments', 20_000);
const SAMPLES = arg('samples', 200);
const BASELINE = stringArg('baseline');
const PER_PUSH = 5;
const PUSHES_PAGE = 15; // server/pages/repo-page.ts PUSHES_PAGE_SIZE
const API_PAGE = 50; // the API's default page size
const HOST = 'bench-host';
const SELF = path.join(__dirname, '..');

// shas as git makes them (uniformly spread), so a short prefix matches one commit, not all
const sha = (n) => crypto.createHash('sha1').update(String(n)).digest('hex');

/**
 * Deployments every 5 minutes up to now (so the last 30 days hold 8,640 of them: the chart's
 * windows have real work), 1 in 10 failed, 1 in 25 skipped, 4 to 7 s each.
 */
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
  const end = Date.now() - 60_000;
  store.durably(() => {
    for (let d = 0; d < deployments; d++) {
      const id = store.createDeployment({ repo, host: HOST, trigger: 'webhook', branch: 'master', status: 'queued' });
      const start = new Date(end - (deployments - d) * 300_000);
      const status = d % 25 === 0 ? 'skipped' : d % 10 === 0 ? 'failed' : 'succeeded';
      const ms = status === 'skipped' ? 40 : 4000 + (d % 7) * 500;
      store.updateDeployment(id, { status, commit: sha(Math.min(commits, d * 5 + 1)), previousCommit: sha(Math.max(1, Math.min(commits, d * 5 - 4))), startedAt: start.toISOString(), finishedAt: new Date(start.getTime() + ms).toISOString(), exitCode: status === 'failed' ? 1 : 0 });
    }
  });
}

async function timed(url) {
  const t = process.hrtime.bigint();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function measure(url) {
  for (let i = 0; i < 10; i++) await timed(url); // warm-up
  const times = [];
  for (let i = 0; i < SAMPLES; i++) times.push(await timed(url));
  return { median: median(times), p99: percentile(times, 99) };
}

/** The same path on two servers, asked in turn, so load from elsewhere hits both alike. */
async function measurePair(urlA, urlB) {
  for (let i = 0; i < 10; i++) {
    await timed(urlA);
    await timed(urlB);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < SAMPLES; i++) {
    a.push(await timed(urlA));
    b.push(await timed(urlB));
  }
  return [{ median: median(a), p99: percentile(a, 99) }, { median: median(b), p99: percentile(b, 99) }];
}

/** Seed a data dir with the store of the checkout at `root` and start that checkout's server. */
async function serverOf(root, tmp, name) {
  const { openStore } = require(path.join(root, 'dist', 'lib', 'store'));
  const dataDir = path.join(tmp, `data-${name}`);
  const t = Date.now();
  const store = openStore(dataDir);
  seed(store, 'big', COMMITS, DEPLOYMENTS);
  seed(store, 'small', 10, 2);
  const maxEvent = store.listPushEvents('big', { limit: 1 }).items[0].id;
  const maxCommit = store.listCommits('big', { limit: 1 }).items[0].seq;
  store.close();
  console.log(`${name}: seeded ${COMMITS} commits in ${COMMITS / PER_PUSH} pushes and ${DEPLOYMENTS} deployments in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const port = await freePort();
  const settingsFile = writeSettings(path.join(tmp, `settings-${name}.json`), {
    listen: { host: '127.0.0.1', port },
    dataDir,
    hostname: HOST,
    allowedRoots: [path.join(tmp, 'www')],
    repos: { big: { url: 'https://git.example.com/acme/big.git', secret: 'x' }, small: { url: 'https://git.example.com/acme/small.git', secret: 'x' } },
  });
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(tmp, `server-${name}.log`), bin: path.join(root, 'bin', 'integralgit.js') });
  return { server, maxEvent, maxCommit };
}

(async () => {
  const tmp = makeTempRoot('ig-bench-history-');
  fs.mkdirSync(path.join(tmp, 'www'));
  const { server, maxEvent, maxCommit } = await serverOf(SELF, tmp, 'this');
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

  // search (issue 17): a word in every commit, a word in one commit, a sha prefix; JSON and page
  const rare = String(Math.floor(COMMITS * 0.37));
  const searches = [
    ['API: a word in every commit ("change")', '/api/repos/big/search?q=change'],
    [`API: a word in one commit ("${rare}")`, `/api/repos/big/search?q=${rare}`],
    ['API: two words ("change number")', '/api/repos/big/search?q=change+number'],
    ['API: sha prefix (8 hex)', `/api/repos/big/search?q=${sha(COMMITS - 7).slice(0, 8)}`],
    ['page: a word in every commit', '/big/search?q=change'],
    ['page: a word in every commit, page 500', `/big/search?q=change&commitsBefore=${maxCommit + 1 - 499 * 20}`],
  ];
  const searchRows = [];
  for (const [name, p] of searches) {
    const m = await measure(server.url + p);
    searchRows.push([name, fmt(m.median, 2), fmt(m.p99, 2), verdict(m.p99 <= 50)]);
  }
  console.log(`\nsearch at ${COMMITS} commits (target p99 <= 50 ms)`);
  console.log(table(['search', 'median ms', 'p99 ms', 'p99 <= 50 ms'], searchRows));

  if (BASELINE) {
    const base = await serverOf(path.resolve(BASELINE), tmp, 'baseline');
    const [mine, theirs] = await measurePair(server.url + '/big', base.server.url + '/big');
    console.log(`\n/<repo> page 1, this checkout (with the chart) vs ${BASELINE}, asked in turn, ${SAMPLES} each (target p99 ratio <= 1.3)`);
    console.log(
      table(
        ['server', 'median ms', 'p99 ms'],
        [
          ['this checkout', fmt(mine.median, 2), fmt(mine.p99, 2)],
          ['baseline', fmt(theirs.median, 2), fmt(theirs.p99, 2)],
        ],
      ),
    );
    console.log(`ratio: median ${fmt(mine.median / theirs.median, 2)}, p99 ${fmt(mine.p99 / theirs.p99, 2)} ${verdict(mine.p99 / theirs.p99 <= 1.3)}`);
    await base.server.stop(5000);
  }
  await server.stop(5000);
  runCleanups();
})().catch((err) => {
  console.error(err);
  runCleanups();
  process.exit(1);
});
