'use strict';
/*
 * Webhook ingestion throughput: autocannon against a real `integralgit serve` (child
 * process) with a signed ~7 KB GitHub push body, every request a new delivery, next to
 * bench/baseline-ingest-server.js (node:http + the same signature check + the same durable
 * SQLite rows) measured in the same run with the same settings.
 *
 *   npm run build && node bench/webhook-ingestion.js [--duration 20] [--connections 50]
 *       [--warmup 3] [--rounds 1] [--profile]
 *
 * The pushes go to branch `bench-ignored` of a real repository served over local smart
 * HTTP: every accepted push is stored with its commits and a job, and the repo's worker
 * fetches the config, sees that this host deploys `master`, and records a skip. Jobs queued
 * while a skip runs are coalesced into the next one, so the worker's share of the CPU is
 * small and measured (see docs/benchmarks.md).
 */
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const Database = require('better-sqlite3');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { createServedRepo } = require('./lib/git-repo');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { startBaseline } = require('./lib/baseline-child');
const { pushBody, signedHeaders } = require('./lib/push-body');
const { runLoad } = require('./lib/load');
const { fmt, median, verdict, table } = require('./lib/stats');
const { describeEnvironment } = require('./lib/environment');
const { summarizeProfile, latestProfile } = require('./lib/cpu-profile-summary');
const { countSyscalls } = require('./lib/syscall-count');

const USAGE = `usage: node bench/webhook-ingestion.js [options]
  --duration <s>     seconds of measured load per server (default 20)
  --connections <n>  concurrent connections (default 50)
  --warmup <s>       seconds of unmeasured load before each measurement (default 3)
  --rounds <n>       baseline/IntegralGit pairs, alternating (default 1)
  --group-commit     also measure the baseline committing concurrent deliveries together
                     (one fsync per batch): a what-if, not part of the ratio
  --profile          run IntegralGit under --cpu-prof and print where its time goes
  --json <file>      also write the figures as JSON
  --tmp-dir <dir>    where the repos and databases go (default the OS temp dir; /dev/shm
                     takes the disk out and leaves the CPU cost)
  --base-bin <path>  also run an older build (its bin/integralgit.js) in every round, on
                     its own data dir: before and after in the same rounds
  --fresh-commits    every request carries commits never sent before (same size, signed
                     anew), as real pushes do; without it the same commits come every time
                     and both servers store them once, then only link them
  --syscalls         after each server's measured load, a further load of
                     --syscall-seconds (default 3) under \`strace -f -c\`: syscalls per
                     accepted request and requests per fsync (the group commit's batch);
                     strace slows the server, so these loads give counts, not speed
  --keep             keep the temp dir (server log, databases) for a look afterwards
  --hold-worker      hold the repo's worker in a running deployment (its script waits on a
                     FIFO) for the whole measurement, so the queued jobs wait and coalesce as
                     behind any long deploy: the like-for-like figure, since the baseline
                     stores jobs but runs none. Without it the worker skips the pushes
                     meanwhile (one config fetch per job it claims, on the same 2 cores)`;

// functions on the webhook path (and the worker's), by their names in dist/ and node_modules
const FOCUS = [
  'ingestWebhook', 'receiveWebhook', 'parseBody', 'verifyForRepo', 'matchRepo', 'recordPushEvents', 'recordDelivery', 'pragma',
  'toIncomingRequest', 'rawParser', 'helmetMiddleware', 'json', 'generateETag', 'claimNextJob', 'runDeployment',
];

async function main() {
  const opts = parseArgs(process.argv.slice(2), { duration: 20, connections: 50, warmup: 3, rounds: 1, profile: false, groupCommit: false, json: '', keep: false, holdWorker: false, freshCommits: false, baseBin: '', syscalls: false, syscallSeconds: 3, tmpDir: require('node:os').tmpdir() }, USAGE);
  const root = makeTempRoot('ig-bench-ingest-', { keep: opts.keep, base: opts.tmpDir });
  const deployRoot = path.join(root, 'deployments');
  fs.mkdirSync(deployRoot);
  const holdFifo = path.join(root, 'hold.fifo');
  const repo = await createServedRepo(root, {
    // with --hold-worker, a deployment of master waits on the FIFO until the bench writes to it
    files: { 'deploy.sh': '#!/bin/sh\necho deployed\nif [ -p "$BENCH_HOLD_FIFO" ]; then : > "$BENCH_HOLD_FIFO.started"; read _ < "$BENCH_HOLD_FIFO"; fi\n' },
    config: { configs: { base: { location: path.join(deployRoot, 'app'), script: './deploy.sh', branch: 'master', env: { BENCH_HOLD_FIFO: holdFifo } } } },
  });
  if (opts.holdWorker) execFileSync('mkfifo', [holdFifo]);
  const secret = crypto.randomBytes(24).toString('hex');
  const body = pushBody({ cloneUrl: repo.url, branch: 'bench-ignored' });
  const headers = signedHeaders(body, secret, 'placeholder');
  delete headers['x-github-delivery'];
  const environment = describeEnvironment(root);
  console.log(`environment: ${environment.text}`);
  console.log(`webhook ingestion: ${body.length} byte signed push body, ${opts.connections} connections, ${opts.duration} s (+${opts.warmup} s warm-up) per server, ${opts.rounds} round(s), ${opts.holdWorker ? "the repo's worker held by a running deployment (like-for-like)" : "the repo's worker skipping the pushes meanwhile"}, ${opts.freshCommits ? 'new commits in every request' : 'the same commits in every request'}`);

  const port = await freePort();
  const dataDir = path.join(root, 'ig-data');
  const settingsFor = (name, dir) =>
    writeSettings(path.join(root, `${name}.json`), { listen: { host: '127.0.0.1', port }, dataDir: dir, hostname: 'bench-host', allowedRoots: [deployRoot], repos: { app: { url: repo.url, secret } } });
  const settingsFile = settingsFor('settings', dataDir);
  // the older build gets its own database (it may not open a newer schema) and working copy
  const baseDataDir = path.join(root, 'base-data');
  const baseSettingsFile = opts.baseBin ? settingsFor('base-settings', baseDataDir) : null;
  const profileDir = path.join(root, 'profile');
  const nextBody = opts.freshCommits ? freshCommitBodies(body, secret) : undefined;
  const load = (target, duration) => runLoad({ url: target.url, body, headers, connections: opts.connections, duration, serverPid: target.pid, nextBody });
  const traced = async (target) => {
    if (!opts.syscalls) return undefined;
    const trace = countSyscalls(target.pid);
    await trace.ready;
    const res = await load(target, opts.syscallSeconds);
    return syscallFigures((await trace.stop()).calls, res.accepted);
  };

  const rounds = [];
  for (let r = 0; r < opts.rounds; r++) {
    const baseline = await startBaseline({ dataDir: path.join(root, `baseline-${r}`), secret });
    if (opts.warmup > 0) await load(baseline, opts.warmup);
    const b = await load(baseline, opts.duration);
    b.syscalls = await traced(baseline);
    await baseline.stop();
    console.log(`  round ${r + 1}: baseline    ${fmt(b.rps, 0)} req/s, p50 ${fmt(b.p50, 2)} ms, p99 ${fmt(b.p99, 2)} ms, server CPU ${fmt(b.serverCpu, 0)}% (${fmt(b.cpuMsPerRequest, 2)} ms/request), load generator CPU ${fmt(b.loaderCpu, 0)}%`);
    const measureGrouped = async () => {
      const grouped = await startBaseline({ dataDir: path.join(root, `grouped-${r}`), secret, groupCommit: true });
      if (opts.warmup > 0) await load(grouped, opts.warmup);
      const res = await load(grouped, opts.duration);
      res.syscalls = await traced(grouped);
      await grouped.stop();
      console.log(`  round ${r + 1}: baseline with group commit (what-if) ${fmt(res.rps, 0)} req/s, p50 ${fmt(res.p50, 2)} ms, p99 ${fmt(res.p99, 2)} ms, server CPU ${fmt(res.serverCpu, 0)}% (${fmt(res.cpuMsPerRequest, 2)} ms/request)`);
      return res;
    };
    // issue 16's figure pairs IntegralGit with this baseline: on a shared machine the load
    // drifts within a round, so the two swap places every round (before in odd rounds,
    // after IntegralGit in even ones)
    let g = opts.groupCommit && r % 2 === 0 ? await measureGrouped() : undefined;

    const measure = async (label, bin, file, logName) => {
      const server = await startIntegralGit({
        settingsFile: file,
        port,
        bin,
        logFile: path.join(root, logName),
        nodeArgs: opts.profile && label === 'IntegralGit' ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
      });
      const held = opts.holdWorker ? await holdWorker(server, repo, secret, holdFifo, `${label}-${r}`) : null;
      if (opts.warmup > 0) await load(server, opts.warmup);
      const res = await load(server, opts.duration);
      res.syscalls = await traced(server);
      const health = await (await fetch(`${server.url}/healthz`)).json();
      if (held) held.release();
      await server.stop();
      console.log(`  round ${r + 1}: ${label.padEnd(11)} ${fmt(res.rps, 0)} req/s, p50 ${fmt(res.p50, 2)} ms, p99 ${fmt(res.p99, 2)} ms, server CPU ${fmt(res.serverCpu, 0)}% (${fmt(res.cpuMsPerRequest, 2)} ms/request), load generator CPU ${fmt(res.loaderCpu, 0)}%, queue depth at end ${health.queueDepth}`);
      return res;
    };
    // the older build first in odd rounds, second in even ones
    const before = opts.baseBin && r % 2 === 0 ? await measure('before', path.resolve(opts.baseBin), baseSettingsFile, 'base.out') : null;
    const i = await measure('IntegralGit', undefined, settingsFile, 'integralgit.out');
    const beforeLate = opts.baseBin && r % 2 === 1 ? await measure('before', path.resolve(opts.baseBin), baseSettingsFile, 'base.out') : null;
    if (opts.groupCommit && r % 2 === 1) g = await measureGrouped();
    const base = before ?? beforeLate;
    for (const [name, res] of [['baseline', b], ['IntegralGit', i], ...(base ? [['before', base]] : [])]) {
      const other = Object.entries(res.statuses).filter(([code]) => code !== '202');
      if (other.length > 0 || res.errors > 0 || res.timeouts > 0) {
        console.log(`    ${name}: non-202 answers ${JSON.stringify(Object.fromEntries(other))}, socket errors ${res.errors}, timeouts ${res.timeouts}`);
      }
    }
    rounds.push({ baseline: b, integralgit: i, ...(g ? { groupCommit: g } : {}), ...(base ? { before: base } : {}) });
  }
  const stored = countStored(path.join(dataDir, 'integralgit.db'));
  const accepted = rounds.reduce((n, r) => n + r.integralgit.accepted, 0);

  const result = {
    environment,
    bodyBytes: body.length,
    // which figure this is: like-for-like (worker held) or with the worker skipping meanwhile
    mode: { holdWorker: opts.holdWorker, freshCommits: opts.freshCommits, groupCommit: opts.groupCommit },
    connections: opts.connections,
    durationSeconds: opts.duration,
    baseline: summary(rounds.map((r) => r.baseline)),
    integralgit: summary(rounds.map((r) => r.integralgit)),
    ...(opts.groupCommit ? { groupCommitWhatIf: summary(rounds.map((r) => r.groupCommit)) } : {}),
    rounds,
    accepted,
    stored,
  };
  result.ratio = result.integralgit.rps / result.baseline.rps;
  console.log('');
  console.log(
    table(
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req'],
      [
        ['baseline (node:http + SQLite)', fmt(result.baseline.rps, 0), fmt(result.baseline.p50, 2), fmt(result.baseline.p99, 2), fmt(result.baseline.cpuMsPerRequest, 2)],
        ['IntegralGit (integralgit serve)', fmt(result.integralgit.rps, 0), fmt(result.integralgit.p50, 2), fmt(result.integralgit.p99, 2), fmt(result.integralgit.cpuMsPerRequest, 2)],
        ...(result.groupCommitWhatIf
          ? [['what-if: baseline + group commit', ...['rps', 'p50', 'p99', 'cpuMsPerRequest'].map((k) => fmt(result.groupCommitWhatIf[k], k === 'rps' ? 0 : 2))]]
          : []),
      ],
    ),
  );
  console.log('');
  console.log(`ratio IntegralGit/baseline req/s: ${fmt(result.ratio, 2)} (target >= 0.80) ${verdict(result.ratio >= 0.8)}`);
  if (opts.groupCommit) {
    // issue 16's figure: against the group-commit baseline (the same durability: fsync
    // before the 202, one per batch), as the median of the per-round ratios
    result.ratioToGroupCommit = median(rounds.map((r) => r.integralgit.rps / r.groupCommit.rps));
    result.cpuRatioToGroupCommit = median(rounds.map((r) => r.integralgit.cpuMsPerRequest / r.groupCommit.cpuMsPerRequest));
    console.log(`ratio IntegralGit/baseline with group commit req/s (median of rounds): ${fmt(result.ratioToGroupCommit, 2)} (issue 16 goal >= 0.80) ${verdict(result.ratioToGroupCommit >= 0.8)}; server CPU per request ${fmt(result.cpuRatioToGroupCommit, 2)}x`);
    if (opts.baseBin) {
      result.beforeRatioToGroupCommit = median(rounds.map((r) => r.before.rps / r.groupCommit.rps));
      result.beforeCpuRatioToGroupCommit = median(rounds.map((r) => r.before.cpuMsPerRequest / r.groupCommit.cpuMsPerRequest));
      console.log(`  the older build (--base-bin), same rounds: ${fmt(result.beforeRatioToGroupCommit, 2)}; server CPU per request ${fmt(result.beforeCpuRatioToGroupCommit, 2)}x`);
    }
  }
  if (opts.baseBin) {
    result.before = summary(rounds.map((r) => r.before));
    result.afterOverBefore = median(rounds.map((r) => r.integralgit.rps / r.before.rps));
    console.log(`IntegralGit / the older build req/s (median of rounds): ${fmt(result.afterOverBefore, 2)}`);
  }
  result.perRequest = printPerRequest(rounds);
  console.log(`IntegralGit p99: ${fmt(result.integralgit.p99, 2)} ms (target <= 25 ms) ${verdict(result.integralgit.p99 <= 25)}`);
  console.log(`every 202 stored: ${stored.events} events with ${stored.jobs} jobs for ${accepted} accepted deliveries ${verdict(stored.events >= accepted && stored.jobs >= accepted)}`);

  if (opts.profile) {
    const file = latestProfile(profileDir);
    if (file) {
      const kept = path.join(path.dirname(root), `integralgit-ingest-${Date.now()}.cpuprofile`);
      fs.copyFileSync(file, kept);
      printProfile(summarizeProfile(file, { focus: FOCUS }), kept);
    } else console.log('no CPU profile was written');
  }
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
  await repo.close();
  return result;
}

/**
 * A signed push to master (its real head): the worker deploys it and the script blocks on
 * the FIFO. Resolves once the script is waiting; `release()` lets it finish.
 */
async function holdWorker(server, repo, secret, fifo, round) {
  const started = `${fifo}.started`;
  fs.rmSync(started, { force: true });
  const raw = JSON.parse(pushBody({ cloneUrl: repo.url, branch: 'master', seed: `hold-${round}` }));
  raw.after = repo.head('master');
  const body = JSON.stringify(raw);
  const res = await fetch(`${server.url}/update`, { method: 'POST', headers: signedHeaders(body, secret, `hold-${round}-${Date.now()}`), body });
  if (res.status !== 202) throw new Error(`the push that holds the worker got ${res.status}: ${await res.text()}`);
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(started)) {
    if (Date.now() > deadline) throw new Error('the held deployment did not start its script within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { release: () => fs.writeFileSync(fifo, 'go\n') };
}

/**
 * The same push with new commit ids each time: each id starts with a request counter in
 * place of its first 8 hex digits (the body keeps its size), and is signed again.
 */
function freshCommitBodies(body, secret) {
  const MARK = 'ffffffff';
  const raw = JSON.parse(body);
  const mark = (c) => (c.id = MARK + c.id.slice(8));
  raw.commits.forEach(mark);
  mark(raw.head_commit);
  raw.after = raw.head_commit.id;
  const template = JSON.stringify(raw);
  const parts = template.split(MARK);
  if (parts.length - 1 !== raw.commits.length + 2) throw new Error('the commit id marker is not unique in the push body');
  let n = 0;
  return () => {
    const next = parts.join((n++).toString(16).padStart(8, '0'));
    return { body: next, headers: signedHeaders(next, secret, 'placeholder') };
  };
}

const TRACKED = ['pwrite64', 'write', 'writev', 'fdatasync', 'fsync', 'pread64', 'read', 'futex', 'epoll_wait'];

/** Syscalls per accepted request, and how many requests one fsync made durable (the batch). */
function syscallFigures(calls, accepted) {
  const perRequest = {};
  for (const [name, n] of Object.entries(calls)) if (n / accepted >= 0.01) perRequest[name] = n / accepted;
  const syncs = (calls.fdatasync || 0) + (calls.fsync || 0);
  return { accepted, perRequest, requestsPerFsync: syncs > 0 ? accepted / syncs : NaN };
}

/** Per-request costs of each server, medians over the rounds: where IntegralGit does more. */
function printPerRequest(rounds) {
  const servers = [['baseline', 'baseline'], ['groupCommit', 'group commit'], ['integralgit', 'IntegralGit'], ['before', 'older build']].filter(([k]) => rounds.every((r) => r[k]));
  const med = (k, pick) => median(rounds.map((r) => pick(r[k])));
  const traced = rounds.every((r) => servers.every(([k]) => r[k].syscalls));
  const head = ['per accepted request', 'CPU ms', 'of it kernel', 'write calls', 'KB to write calls', 'KB to disk', ...(traced ? [...TRACKED.map((n) => n), 'requests per fsync'] : [])];
  const rows = servers.map(([k, label]) => [
    label,
    fmt(med(k, (x) => x.cpuMsPerRequest), 3),
    fmt(med(k, (x) => x.sysCpuMsPerRequest), 3),
    fmt(med(k, (x) => x.writeCallsPerRequest), 1),
    fmt(med(k, (x) => x.writtenBytesPerRequest / 1024), 1),
    fmt(med(k, (x) => x.diskBytesPerRequest / 1024), 1),
    ...(traced ? [...TRACKED.map((n) => fmt(med(k, (x) => x.syscalls.perRequest[n] || 0), 2)), fmt(med(k, (x) => x.syscalls.requestsPerFsync), 1)] : []),
  ]);
  console.log('');
  console.log(table(head, rows));
  // the JSON's `perRequest`: per server, the medians above
  return Object.fromEntries(
    servers.map(([k]) => [
      k,
      {
        cpuMs: med(k, (x) => x.cpuMsPerRequest),
        sysCpuMs: med(k, (x) => x.sysCpuMsPerRequest),
        writeCalls: med(k, (x) => x.writeCallsPerRequest),
        writtenBytes: med(k, (x) => x.writtenBytesPerRequest),
        diskBytes: med(k, (x) => x.diskBytesPerRequest),
        ...(traced ? { syscalls: Object.fromEntries(TRACKED.map((n) => [n, med(k, (x) => x.syscalls.perRequest[n] || 0)])), requestsPerFsync: med(k, (x) => x.syscalls.requestsPerFsync) } : {}),
      },
    ]),
  );
}

/** Several rounds: the mean of each figure (one round: its figures). */
function summary(runs) {
  const avg = (pick) => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
  return { rps: avg((r) => r.rps), p50: avg((r) => r.p50), p99: avg((r) => r.p99), cpuMsPerRequest: avg((r) => r.cpuMsPerRequest) };
}

/** What the IntegralGit database holds after the run: every 202 must be there. */
function countStored(file) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      events: db.prepare("SELECT count(*) FROM push_events WHERE branch = 'bench-ignored'").pluck().get(),
      jobs: db.prepare("SELECT count(*) FROM jobs WHERE branch = 'bench-ignored'").pluck().get(),
      deployments: db.prepare('SELECT count(*) FROM deployments').pluck().get(),
    };
  } finally {
    db.close();
  }
}

function printProfile(p, file) {
  console.log(`\nCPU profile of the IntegralGit server (${file}): ${fmt(p.busyMs / 1000, 1)} s busy, ${fmt(p.idleMs / 1000, 1)} s idle`);
  console.log('self time by area (% of busy):');
  for (const a of p.areas.slice(0, 15)) console.log(`  ${fmt(a.pct, 1).padStart(5)}%  ${a.name}`);
  console.log('self time by function (% of busy):');
  for (const f of p.functions.slice(0, 15)) console.log(`  ${fmt(f.pct, 1).padStart(5)}%  ${f.name}`);
  console.log('inclusive time (% of busy):');
  for (const f of p.inclusive) console.log(`  ${fmt(f.pct, 1).padStart(5)}%  ${f.name}`);
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
