'use strict';
/*
 * Fleet convergence (SPEC §11): nats-server -js and N `integralgit serve` processes on this
 * machine (own hostnames, data dirs and deployment roots), one repository served over local
 * smart HTTP. One signed GitHub webhook goes to host 1; the time runs from its 202 to the
 * moment the last host's state in the bucket `integralgit-fleet` says `succeeded` for that
 * commit (read by watching the bucket, as /fleet does). Baseline in the same run: one
 * server alone (no fleet) and the same kind of push, 202 → its deployment succeeded.
 * Both measure an incremental deployment (a warm-up push clones first). Then each idle
 * host's RSS (VmRSS of the serve process, 5 s after convergence).
 *
 *   npm run build && node bench/fleet.js [--hosts 10,50] [--pushes 3]
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { connect } = require('nats');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { createServedRepo } = require('./lib/git-repo');
const { residentMb } = require('./lib/resident-memory');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { githubPushPayload } = require('../dist/lib/demo/github-push');
const { signedHeaders } = require('./lib/push-body');
const { startNatsServer } = require('./lib/nats-server');
const { describeEnvironment } = require('./lib/environment');
const { median, fmt, table } = require('./lib/stats');

const USAGE = `usage: node bench/fleet.js [options]
  --hosts <list>     fleet sizes, comma-separated (default 10,50)
  --pushes <n>       measured pushes per size (default 3; the median is reported)
  --tmp-dir <dir>    where the repos and data go (default the OS temp dir)
  --keep             keep the temp dir
  --json <file>      also write the figures as JSON`;

const SECRET = 'bench-fleet-secret';

async function main() {
  const opts = parseArgs(process.argv.slice(2), { hosts: '10,50', pushes: 3, tmpDir: require('node:os').tmpdir(), keep: false, json: '' }, USAGE);
  const sizes = String(opts.hosts).split(',').map((n) => Number.parseInt(n, 10));
  if (sizes.some((n) => !(n >= 1))) throw new Error(`--hosts must list positive numbers (got ${opts.hosts})`);
  const root = makeTempRoot('ig-bench-fleet-', { keep: opts.keep, base: opts.tmpDir });
  const environment = describeEnvironment(root);
  console.log(`environment: ${environment.text}`);
  const maxHosts = Math.max(...sizes);
  const names = Array.from({ length: maxHosts }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
  const configs = { base: { script: './deploy.sh', branch: 'master' }, alone: { location: path.join(root, 'alone', 'deployments', 'app') } };
  for (const n of names) configs[n] = { location: path.join(root, n, 'deployments', 'app') };
  const repo = await createServedRepo(root, { files: { 'deploy.sh': '#!/bin/sh\necho "deployed $INTEGRALGIT_COMMIT on $INTEGRALGIT_HOST"\n' }, config: { configs } });

  const results = { environment, alone: null, fleets: [] };
  // one host alone: the same push, no bus
  {
    const alone = await startHost(root, repo, 'alone', null);
    await pushAndWaitAlone(alone, repo, 'warm-up');
    const times = [];
    for (let i = 0; i < opts.pushes; i++) times.push(await pushAndWaitAlone(alone, repo, `alone ${i}`));
    results.alone = { ms: median(times), samples: times, rssMb: residentMb(alone.pid) ?? NaN };
    await alone.stop();
    console.log(`one host alone: 202 → succeeded ${fmt(results.alone.ms)} ms (median of ${times.length})`);
  }

  for (const size of sizes) {
    const natsPort = await freePort();
    const storeDir = path.join(root, `nats-${size}`);
    fs.mkdirSync(storeDir);
    const nats = await startNatsServer({ port: natsPort, storeDir });
    const hosts = [];
    const startAt = Date.now();
    // a few at a time: 50 node processes starting at once on 2 cores time out their own health checks
    for (let i = 0; i < size; i += 5) {
      hosts.push(...(await Promise.all(names.slice(i, Math.min(size, i + 5)).map((n) => startHost(root, repo, n, nats.url)))));
    }
    console.log(`${size} hosts started in ${fmt((Date.now() - startAt) / 1000)} s`);
    const nc = await connect({ servers: nats.url });
    const kv = await nc.jetstream().views.kv('integralgit-fleet', { history: 1 });
    await waitHeartbeats(kv, size);
    await pushAndWaitFleet(hosts, kv, repo, 'fleet warm-up', size);
    const times = [];
    for (let i = 0; i < opts.pushes; i++) times.push(await pushAndWaitFleet(hosts, kv, repo, `fleet ${size} push ${i}`, size));
    await sleep(5000);
    const rss = hosts.map((h) => residentMb(h.pid) ?? NaN);
    const fleet = { hosts: size, ms: median(times), samples: times, ratio: median(times) / results.alone.ms, rssMbMedian: median(rss), rssMbMax: Math.max(...rss), rssMbTotal: rss.reduce((a, b) => a + b, 0) };
    results.fleets.push(fleet);
    console.log(`${size} hosts: 202 → last host succeeded ${fmt(fleet.ms)} ms (median of ${times.length}), ratio ${fmt(fleet.ratio, 2)}; idle RSS median ${fmt(fleet.rssMbMedian)} MB, max ${fmt(fleet.rssMbMax)} MB`);
    await nc.close();
    await Promise.all(hosts.map((h) => h.stop(10_000)));
    nats.stop();
  }

  console.log('\n' + table(
    ['hosts', '202 → last host succeeded (ms)', 'one host alone (ms)', 'ratio', 'idle RSS per host median / max (MB)'],
    results.fleets.map((f) => [String(f.hosts), fmt(f.ms), fmt(results.alone.ms), fmt(f.ratio, 2), `${fmt(f.rssMbMedian)} / ${fmt(f.rssMbMax)}`]),
  ));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
  await repo.close();
}

async function startHost(root, repo, name, natsUrl) {
  const dir = path.join(root, name);
  const deployRoot = path.join(dir, 'deployments');
  fs.mkdirSync(deployRoot, { recursive: true });
  const port = await freePort();
  const settings = {
    listen: { host: '127.0.0.1', port },
    dataDir: path.join(dir, 'data'),
    hostname: name,
    allowedRoots: [deployRoot],
    repos: { app: { url: repo.url, secret: SECRET } },
  };
  if (natsUrl) settings.fleet = { nats: { servers: [natsUrl] } };
  const settingsFile = writeSettings(path.join(dir, 'settings.json'), settings);
  const child = await startIntegralGit({ settingsFile, port, logFile: path.join(dir, 'serve.log'), timeoutMs: 600_000 });
  return { ...child, name };
}

async function postPush(host, repo, sha, message) {
  const body = githubPushPayload({
    cloneUrl: repo.url,
    ref: 'refs/heads/master',
    before: '0'.repeat(40),
    after: sha,
    commits: [{ id: sha, message, authorName: 'Bench Author', authorEmail: 'bench@example.com', timestamp: new Date().toISOString() }],
  });
  const res = await fetch(`${host.url}/update`, { method: 'POST', body, headers: signedHeaders(body, SECRET, `bench-${sha}`) });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  return performance.now();
}

async function pushAndWaitAlone(host, repo, message) {
  const sha = repo.commit('master', message);
  const t0 = await postPush(host, repo, sha, message);
  for (;;) {
    // a poll may race the server closing an idle keep-alive socket on a loaded machine: try again
    const deployments = await fetch(`${host.url}/api/repos/app`).then((r) => r.json()).then((b) => b.deployments, () => []);
    const d = deployments.find((x) => x.commit === sha);
    if (d && d.status === 'succeeded') return performance.now() - t0;
    if (d && d.status === 'failed') throw new Error(`deployment failed on the lone host`);
    await sleep(10);
  }
}

/** POST to host 1, then watch the bucket until every host reports the commit succeeded. */
async function pushAndWaitFleet(hosts, kv, repo, message, size) {
  const sha = repo.commit('master', message);
  const watch = await kv.watch({ key: 'app.*' });
  const done = new Set();
  const converged = (async () => {
    for await (const e of watch) {
      if (e.operation !== 'PUT') continue;
      const state = JSON.parse(new TextDecoder().decode(e.value));
      if (state.commit === sha && state.status === 'succeeded') done.add(e.key);
      if (state.commit === sha && state.status === 'failed') {
        const host = hosts.find((h) => `app.${h.name}` === e.key);
        const detail = host ? await fetch(`${host.url}/api/repos/app/deployments/${state.deploymentId}`).then((r) => r.json()).catch(() => ({})) : {};
        throw new Error(`${e.key} failed the deployment: ${detail.errorCode ?? ''} ${detail.error ?? ''}`);
      }
      if (done.size === size) return performance.now();
    }
  })();
  const t0 = await postPush(hosts[0], repo, sha, message);
  const timeout = sleep(300_000).then(() => {
    throw new Error(`not converged after 300 s: ${done.size}/${size} hosts`);
  });
  const end = await Promise.race([converged, timeout]);
  watch.stop();
  return end - t0;
}

async function waitHeartbeats(kv, size) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    let n = 0;
    for await (const k of await kv.keys('hosts.*')) if (k) n++;
    if (n >= size) return;
    if (Date.now() > deadline) throw new Error(`only ${n}/${size} hosts sent a heartbeat`);
    await sleep(200);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
}).finally(() => process.exit());
