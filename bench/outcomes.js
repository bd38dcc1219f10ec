'use strict';
/*
 * Deployment outcomes leaving the host (SPEC §9), on a real `integralgit serve` process with
 * a repository over local smart HTTP and a GitHub-style status API on 127.0.0.1:
 *  1. delay from a deployment's end (its `finishedAt`) to its `success` commit status
 *     arriving at the API, median of 20 one-commit deployments;
 *  2. a deployment's duration with a notification target that never answers vs none
 *     (median of 20 each; target: ratio <= 1.05);
 *  3. outbox throughput: 1,000 messages pending for one target (queued while it was down)
 *     drained once it answers again, in messages per second.
 *
 *   npm run build && node bench/outcomes.js [--deploys 20] [--messages 1000]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { githubPushPayload } = require('../dist/lib/demo/github-push');
const { openStore } = require('../dist/lib/store');
const { parseArgs } = require('./lib/args');
const { makeTempRoot, onCleanup } = require('./lib/temp-root');
const { createServedRepo } = require('./lib/git-repo');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { signedHeaders } = require('./lib/push-body');
const { describeEnvironment } = require('./lib/environment');
const { median, percentile, fmt, verdict, table } = require('./lib/stats');

const USAGE = `usage: node bench/outcomes.js [options]
  --deploys <n>      measured deployments per series (default 20)
  --messages <n>     messages queued for the drain (default 1000)
  --tmp-dir <dir>    where the repos and data go (default the OS temp dir)
  --keep             keep the temp dir
  --json <file>      also write the figures as JSON`;

const TOKEN = 'bench-status-token';

/** A receiver on 127.0.0.1: records when each POST arrived; `hang` never answers. */
async function receiver({ hang = false } = {}) {
  const arrivals = [];
  const open = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        /* recorded as {} */
      }
      arrivals.push({ at, path: req.url, body });
      if (hang) {
        open.add(res);
        return;
      }
      res.writeHead(201, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  onCleanup(() => void close());
  return { url: `http://127.0.0.1:${server.address().port}`, arrivals, close };
}

async function waitFor(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { deploys: 20, messages: 1000, tmpDir: require('node:os').tmpdir(), keep: false, json: '' }, USAGE);
  const root = makeTempRoot('ig-bench-outcomes-', { keep: opts.keep, base: opts.tmpDir });
  const environment = describeEnvironment(root);
  console.log(`environment: ${environment.text}`);
  const deployRoot = path.join(root, 'deployments');
  fs.mkdirSync(deployRoot);
  const repo = await createServedRepo(root, {
    name: 'acme/app',
    files: { 'deploy.sh': '#!/bin/sh\necho deployed\n' },
    config: { configs: { base: { location: path.join(deployRoot, 'app'), script: './deploy.sh', branch: 'master' } } },
  });
  // the same repo again under another name: its deployments alternate with app's, so the
  // machine's load drifts alike over both series
  const repo2 = await createServedRepo(path.join(root, 'second'), {
    name: 'acme/app2',
    files: { 'deploy.sh': '#!/bin/sh\necho deployed\n' },
    config: { configs: { base: { location: path.join(deployRoot, 'app2'), script: './deploy.sh', branch: 'master' } } },
  });
  const statusApi = await receiver();
  const hanging = await receiver({ hang: true });
  const fast = await receiver();
  const secret = crypto.randomBytes(24).toString('hex');
  const port = await freePort();
  const dataDir = path.join(root, 'data');
  const settingsFile = path.join(root, 'settings.json');
  const settings = (notify) => ({
    listen: { host: '127.0.0.1', port },
    dataDir,
    hostname: 'bench-host',
    allowedRoots: [deployRoot],
    publicUrl: 'https://deploy.example.com',
    repos: {
      app: { url: repo.url, secret, commitStatus: { provider: 'github', apiUrl: statusApi.url, token: TOKEN } },
      app2: { url: repo2.url, secret, commitStatus: { provider: 'github', apiUrl: statusApi.url, token: TOKEN } },
    },
    notify,
  });
  const previousOf = { app: repo.head('refs/heads/master'), app2: repo2.head('refs/heads/master') };
  let previous = previousOf.app;
  const deploy = async (server, message, name = 'app') => {
    const r = name === 'app' ? repo : repo2;
    const sha = r.commit('master', message);
    const body = githubPushPayload({
      cloneUrl: r.url,
      ref: 'refs/heads/master',
      before: previousOf[name],
      after: sha,
      commits: [{ id: sha, message, authorName: 'Bench', authorEmail: 'bench@example.com', timestamp: new Date().toISOString() }],
    });
    const headers = signedHeaders(body, secret, crypto.randomUUID());
    // on a loaded machine a connection can be refused; the same delivery id makes a retry safe
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(`${server.url}/update`, { method: 'POST', body, headers });
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await sleep(500);
      }
    }
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    const d = await waitFor(`deployment of ${sha}`, async () => {
      const listed = await fetch(`${server.url}/api/repos/${name}`).then((x) => x.json(), () => ({ deployments: [] }));
      const last = listed.deployments[0];
      return last && last.commit === sha && last.finishedAt ? last : undefined;
    });
    if (d.status !== 'succeeded') throw new Error(`deployment ${d.id} ${d.status}`);
    previousOf[name] = sha;
    if (name === 'app') previous = sha;
    return { sha, deployment: d, durationMs: Date.parse(d.finishedAt) - Date.parse(d.startedAt) };
  };

  // 1: commit status on app; 2: app2 has a webhook target that never answers, app none,
  // their deployments alternate on one server
  console.log(`${opts.deploys} deployments of each repo, alternating: app (commit status, no notification target) and app2 (also a notification target that never answers)`);
  writeSettings(
    settingsFile,
    settings([{ type: 'webhook', name: 'hangs', url: `${hanging.url}/hook`, repos: ['app2'], on: ['started', 'succeeded', 'failed', 'recovered'] }]),
  );
  let server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'serve-a.out'), timeoutMs: 180_000 });
  await deploy(server, 'warm-up');
  await deploy(server, 'warm-up', 'app2');
  const delays = [];
  const plain = [];
  const withHang = [];
  for (let i = 0; i < opts.deploys; i++) {
    const { sha, deployment, durationMs } = await deploy(server, `a ${i}`);
    const arrival = await waitFor(`success status of ${sha}`, () => statusApi.arrivals.find((a) => a.body.state === 'success' && a.path.endsWith(sha)));
    delays.push(arrival.at - Date.parse(deployment.finishedAt));
    plain.push(durationMs);
    withHang.push((await deploy(server, `b ${i}`, 'app2')).durationMs);
  }
  await server.stop();

  // 3: messages queued for a target while it was down, drained when it answers again
  console.log(`drain: ${opts.messages} messages pending for one target, then the server starts and the target answers`);
  const store = openStore(dataDir);
  const lastId = store.listDeployments('app', { limit: 1 }).items[0].id;
  const facts = { event: 'failed', repo: 'app', host: 'bench-host', branch: 'master', commit: previous, previousCommit: null, status: 'failed', health: null, errorCode: 'IG_SCRIPT_FAILED', durationMs: 100, message: 'deploy script exited with code 1', deploymentId: lastId, url: null, commits: [] };
  const rows = Array.from({ length: opts.messages }, () => ({ kind: 'notify', target: 'ops', event: 'failed', payload: { facts }, deploymentId: lastId, repo: 'app' }));
  store.enqueueOutbox(rows);
  const sentBefore = store.countOutbox('sent');
  writeSettings(settingsFile, settings([{ type: 'webhook', name: 'ops', url: `${fast.url}/hook`, on: ['failed'] }]));
  const t0 = Date.now();
  server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'serve-c.out'), timeoutMs: 180_000 });
  await waitFor('the drain', () => store.countOutbox('sent') - sentBefore >= opts.messages, 600_000);
  const drainMs = Date.now() - t0;
  const firstArrival = fast.arrivals[0].at;
  const lastArrival = fast.arrivals[fast.arrivals.length - 1].at;
  store.close();
  await server.stop();
  await repo.close();
  await repo2.close();

  const ratio = median(withHang) / median(plain);
  const result = {
    environment,
    deploys: opts.deploys,
    statusDelayMs: { median: median(delays), p90: percentile(delays, 90), min: Math.min(...delays), max: Math.max(...delays) },
    durationMs: { none: median(plain), hangingTarget: median(withHang), ratio },
    drain: { messages: opts.messages, msFromServeStart: drainMs, perSecondFromStart: (opts.messages / drainMs) * 1000, perSecondSending: ((opts.messages - 1) / Math.max(1, lastArrival - firstArrival)) * 1000 },
  };
  console.log('');
  console.log(
    table(
      ['figure', 'value', 'target / baseline'],
      [
        ['deployment end → success status at the API (median)', `${fmt(result.statusDelayMs.median)} ms (p90 ${fmt(result.statusDelayMs.p90)}, max ${fmt(result.statusDelayMs.max)})`, '—'],
        ['deployment duration, no target (median)', `${fmt(result.durationMs.none)} ms`, 'baseline'],
        ['deployment duration, a target that hangs (median)', `${fmt(result.durationMs.hangingTarget)} ms`, `ratio ${fmt(ratio, 3)} (≤ 1.05: ${verdict(ratio <= 1.05)})`],
        [`drain of ${opts.messages} queued messages, from serve start`, `${fmt(drainMs)} ms = ${fmt(result.drain.perSecondFromStart)} msg/s`, `sending alone: ${fmt(result.drain.perSecondSending)} msg/s`],
      ],
    ),
  );
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err.stack || err);
    process.exit(1);
  },
);
