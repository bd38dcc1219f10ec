#!/usr/bin/env node
'use strict';
/**
 * Issue 16's "one-commit deploy, 100,000 files" figure: the native backend's sync
 * (backend.sync() in this process, the same call a deployment's sync stage makes; the
 * server's one-fetch path is not in it, see docs/benchmarks.md) of a copy one commit behind,
 * against `git fetch && git reset --hard origin/master` in a separate depth-1 clone of the
 * same remote (served by `git http-backend` on 127.0.0.1). Rounds alternate which goes
 * first; the figure is the median of the per-round ratios. `--base-dist` adds an earlier
 * build as a third side (its own copy, the same rounds), for a before/after in one run.
 *
 * Every git process of both sides is traced (trace2 event target, the GIT_TRACE2_PERF
 * data in JSON, through a GIT_CONFIG_GLOBAL both pass to git), so the time splits per git
 * command, with how much of it overlapped another git process of the same deploy.
 *
 * The 100,000-file bare repository is generated once and kept in the cache directory
 * (default: <tmp>/integralgit-bench-100k-cache); the copies are made fresh in each run.
 * Needs the built code: `npm run build` first.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { generateRepo, commitMaker, GIT_ENV } = require('./backends-lib/generate-repo');
const { startGitServer } = require('./backends-lib/start-server');
const { median, fmt, table } = require('./backends-lib/stats');
const { readGitTrace, commandName } = require('./lib/git-trace');

const USAGE = `usage: node bench/backends-100k.js [--files N] [--rounds N] [--json FILE] [--cache-dir DIR] [--tmp-dir DIR] [--dist DIR] [--base-dist DIR] [--rtt-ms N] [--keep]
  --files      files in the generated repository (default 100000)
  --rounds     one-commit deploys per side (default 7)
  --json       also write the figures and the raw timings to FILE
  --cache-dir  where the generated bare repository is kept between runs (default <tmp>/integralgit-bench-100k-cache)
  --tmp-dir    where the copies are made (default: the OS temp dir)
  --dist       the built code to measure (default: this checkout's dist/)
  --base-dist  an earlier build, run as a third side in the same rotating rounds (its own copy)
  --rtt-ms     a network round trip added between git and the server (a TCP relay delaying each direction by half; default 0)
  --keep       keep the temp directory (its path is printed)`;

function parseArgs(argv) {
  const o = { files: 100000, rounds: 7, json: '', cacheDir: '', tmpDir: '', dist: '', baseDist: '', rttMs: 0, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = /^--([a-z-]+)$/.exec(a);
    const key = m && m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!key || !(key in o)) {
      console.error(`unknown option ${a}\n${USAGE}`);
      process.exit(2);
    }
    if (typeof o[key] === 'boolean') {
      o[key] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) {
      console.error(`${a} needs a value\n${USAGE}`);
      process.exit(2);
    }
    if (typeof o[key] === 'number') {
      o[key] = Number(v);
      if (!(Number.isInteger(o[key]) && (o[key] > 0 || (key === 'rttMs' && o[key] === 0)))) {
        console.error(`${a} must be a positive integer`);
        process.exit(2);
      }
    } else o[key] = v;
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const DIST = path.resolve(opts.dist || path.join(__dirname, '..', 'dist'));
function loadCreateBackend(dist) {
  try {
    return require(path.join(dist, 'lib', 'workcopy', 'create-backend')).createBackend;
  } catch (err) {
    console.error(`cannot load ${dist}: run \`npm run build\` first (${err.message})`);
    process.exit(1);
  }
}
const createBackend = loadCreateBackend(DIST);
const BASE_DIST = opts.baseDist ? path.resolve(opts.baseDist) : '';
const createBaseBackend = BASE_DIST ? loadCreateBackend(BASE_DIST) : null;

const cleanups = [];
process.on('exit', () => {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()();
    } catch {
      // best effort
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

function log(line) {
  process.stderr.write(`[backends-100k ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function git(cwd, args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...GIT_ENV, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** The bare repository, generated on the first run and reused (its master keeps the commits earlier runs added). */
function cachedRepo() {
  const dir = path.resolve(opts.cacheDir || path.join(os.tmpdir(), 'integralgit-bench-100k-cache'));
  const bare = path.join(dir, `files-${opts.files}.git`);
  const done = path.join(dir, `files-${opts.files}.done`);
  if (fs.existsSync(done)) return { bare, srv: dir, generated: false };
  fs.rmSync(bare, { recursive: true, force: true });
  const t0 = performance.now();
  generateRepo(bare, { files: opts.files, commits: 2, seed: 5 });
  fs.writeFileSync(done, new Date().toISOString() + '\n');
  log(`generated ${bare} (${opts.files} files) in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  return { bare, srv: dir, generated: true };
}

/**
 * A TCP relay to `port` that holds every chunk for half of `rttMs` in each direction: the
 * remote of a real deployment is not on the same host, and a fetch then waits on the network
 * while local work (the worktree scan) can run beside it.
 */
function startDelayRelay(port, rttMs) {
  const net = require('node:net');
  const half = rttMs / 2;
  const pipeDelayed = (from, to) => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), half));
    from.on('end', () => setTimeout(() => to.end(), half));
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => server.close() })));
}

/** A trace2 event target of its own for each deploy: the per-process split of exactly that deploy. */
function traceConfig(root, label) {
  const target = path.join(root, 'trace', `${label}.json`);
  const config = path.join(root, 'trace', `${label}.gitconfig`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(config, `[trace2]\n\teventTarget = ${target}\n\teventBrief = false\n`);
  return { config, target };
}

/** Per git command: summed ms; and the wall time no git process was running (spawn, JS, waits). */
function splitTrace(target, wallMs) {
  const procs = readGitTrace(target);
  const byCommand = {};
  for (const p of procs) {
    const name = commandName(p.argv);
    byCommand[name] = (byCommand[name] || 0) + p.ms;
  }
  // the union of the processes' intervals: what is left of the wall time ran no git
  let busy = 0n;
  let until = 0n;
  for (const p of procs) {
    const from = p.startNs > until ? p.startNs : until;
    if (p.endNs > from) {
      busy += p.endNs - from;
      until = p.endNs;
    }
  }
  return { processes: procs.length, byCommand, gitWallMs: Number(busy) / 1e6, outsideGitMs: wallMs - Number(busy) / 1e6 };
}

async function main() {
  const load0 = os.loadavg();
  log(`load average ${load0.map((l) => l.toFixed(2)).join(' ')}; measuring ${DIST}`);
  const { bare, srv } = cachedRepo();
  const root = fs.realpathSync(fs.mkdtempSync(path.join(opts.tmpDir || os.tmpdir(), 'integralgit-bench-100k-')));
  cleanups.push(() => (opts.keep ? console.error(`kept ${root}`) : fs.rmSync(root, { recursive: true, force: true })));
  const deployRoot = path.join(root, 'deploy');
  fs.mkdirSync(deployRoot);
  const server = await startGitServer(srv);
  cleanups.push(() => server.child.kill('SIGKILL'));
  let base = server.url;
  if (opts.rttMs > 0) {
    const relay = await startDelayRelay(Number(new URL(server.url).port), opts.rttMs);
    cleanups.push(() => relay.close());
    const u = new URL(server.url);
    u.port = String(relay.port);
    base = u.toString().replace(/\/$/, '');
    log(`git traffic through a relay adding ${opts.rttMs} ms per round trip (${base})`);
  }
  const url = `${base}/${path.basename(bare)}`;
  const backend = createBackend('native');
  const settings = { name: 'bench-100k', url, insecure: true, pollInterval: 0, secretEnvNames: [] };
  const dirs = { git: path.join(deployRoot, 'git'), native: path.join(deployRoot, 'native'), base: path.join(deployRoot, 'base') };
  const syncWith = (b, location) => () => b.sync({ repo: settings, location, branch: 'master', remote: 'origin', allowedRoots: [deployRoot] });
  const sync = syncWith(backend, dirs.native);
  const baseSync = createBaseBackend ? syncWith(createBaseBackend('native'), dirs.base) : null;
  const sides = baseSync ? ['git', 'native', 'base'] : ['git', 'native'];

  let t0 = performance.now();
  await git(deployRoot, ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', url, dirs.git]);
  await sync();
  if (baseSync) await baseSync();
  log(`made the copies in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  // one deploy each before measuring: both copies' index stat data and caches settle
  const addCommit = commitMaker(bare, path.join(root, 'scratch'), { files: opts.files, seed: Date.now() % 100000 });
  const ops = {
    git: async (env) => {
      await git(dirs.git, ['fetch', '--quiet'], env);
      await git(dirs.git, ['reset', '--quiet', '--hard', 'origin/master'], env);
    },
    native: async () => sync(),
    base: async () => baseSync(),
  };
  for (const who of sides) {
    addCommit();
    await ops[who]({});
  }
  await ops.git({});

  const raw = [];
  for (let r = 0; r < opts.rounds; r++) {
    const expected = addCommit();
    // each side goes first in turn
    const order = sides.map((_, i) => sides[(i + r) % sides.length]);
    const round = { round: r };
    for (const who of order) {
      const trace = traceConfig(root, `${who}-${r}`);
      const saved = process.env.GIT_CONFIG_GLOBAL;
      process.env.GIT_CONFIG_GLOBAL = trace.config;
      t0 = performance.now();
      try {
        await ops[who]({ GIT_CONFIG_GLOBAL: trace.config });
      } finally {
        if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
        else process.env.GIT_CONFIG_GLOBAL = saved;
      }
      const ms = performance.now() - t0;
      const got = await git(dirs[who], ['rev-parse', 'HEAD']);
      if (got !== expected) throw new Error(`${who} deploy #${r + 1} left ${got}, expected ${expected}`);
      round[who] = { ms, ...splitTrace(trace.target, ms) };
    }
    round.ratio = round.native.ms / round.git.ms;
    if (round.base) round.baseRatio = round.base.ms / round.git.ms;
    raw.push(round);
    const baseText = round.base ? `, base ${fmt(round.base.ms)} ms (ratio ${fmt(round.baseRatio, 3)})` : '';
    log(`round ${r + 1}/${opts.rounds}: git ${fmt(round.git.ms)} ms, native ${fmt(round.native.ms)} ms, ratio ${fmt(round.ratio, 3)}${baseText} (load ${os.loadavg()[0].toFixed(2)})`);
  }
  await server.stop();

  const load1 = os.loadavg();
  const med = (f) => median(raw.map(f));
  const commands = (who) => {
    const names = new Set(raw.flatMap((x) => Object.keys(x[who].byCommand)));
    return Object.fromEntries([...names].map((n) => [n, med((x) => x[who].byCommand[n] || 0)]));
  };
  const summary = {
    files: opts.files,
    rounds: opts.rounds,
    rttMs: opts.rttMs,
    ratio: med((x) => x.ratio),
    goal: 1.05,
    gitMs: med((x) => x.git.ms),
    nativeMs: med((x) => x.native.ms),
    baseDist: BASE_DIST || null,
    baseRatio: baseSync ? med((x) => x.baseRatio) : null,
    baseMs: baseSync ? med((x) => x.base.ms) : null,
    gitProcesses: Object.fromEntries(sides.map((w) => [w, med((x) => x[w].processes)])),
    outsideGitMs: Object.fromEntries(sides.map((w) => [w, med((x) => x[w].outsideGitMs)])),
    commandsMs: Object.fromEntries(sides.map((w) => [w, commands(w)])),
    loadavgBefore: load0.map((l) => Number(l.toFixed(2))),
    loadavgAfter: load1.map((l) => Number(l.toFixed(2))),
  };
  const rows = [];
  for (const who of sides) {
    for (const [name, ms] of Object.entries(summary.commandsMs[who])) rows.push([who, name, fmt(ms)]);
    rows.push([who, '(no git process running)', fmt(summary.outsideGitMs[who])]);
  }
  console.log(`\nOne-commit deploy, ${opts.files.toLocaleString('en')} files: native sync vs git fetch && git reset --hard (${os.cpus().length} CPUs, load ${summary.loadavgBefore.join(' ')} → ${summary.loadavgAfter.join(' ')})`);
  console.log(`  git ${fmt(summary.gitMs)} ms, native ${fmt(summary.nativeMs)} ms, median per-round ratio ${fmt(summary.ratio, 3)}x (goal <= ${summary.goal}x: ${summary.ratio <= summary.goal ? 'ok' : 'MISSED'})`);
  if (baseSync) console.log(`  base (${BASE_DIST}) ${fmt(summary.baseMs)} ms, median per-round ratio ${fmt(summary.baseRatio, 3)}x`);
  console.log(table(['side', 'git command (median ms per deploy)', 'ms'], rows));
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify({ opts, summary, raw }, null, 2));
    log(`wrote ${opts.json}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
