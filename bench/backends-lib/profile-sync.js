#!/usr/bin/env node
'use strict';
/**
 * Where a backend's deploy spends its time: the same generated repository and server as
 * bench/backends.js, but each driver primitive (trackedState, fetch, readTree, checkout…)
 * is wrapped with a timer, and the native backend's git processes are counted through a
 * `git` shim put first on PATH (it logs each command's argv and wall time). The rest of
 * the sync (location checks, tree safety, overwritten-untracked check) is the remainder.
 *   node bench/backends-lib/profile-sync.js [--files N] [--commits N] [--deploys N]
 *                                           [--backend native|isomorphic] [--cpu-prof FILE] [--shim no]
 * --shim no leaves PATH alone (the shim's own cost, ~2 extra processes per git command, is
 * then out of the wall times). --cpu-prof writes a V8 CPU profile of the one-commit deploys (open it in Chrome DevTools).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const inspector = require('node:inspector');
const { execFile } = require('node:child_process');
const { generateRepo, commitMaker, GIT_ENV } = require('./generate-repo');
const { startGitServer } = require('./start-server');
const { median, fmt, table } = require('./stats');

const args = { files: 2000, commits: 1000, deploys: 10, backend: 'native', cpuProf: '', shim: 'yes' };
for (let i = 2; i < process.argv.length; i++) {
  const m = /^--([a-z-]+)$/.exec(process.argv[i]);
  const key = m && m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (!m || !(key in args) || process.argv[i + 1] === undefined) {
    console.error('usage: profile-sync.js [--files N] [--commits N] [--deploys N] [--backend native|isomorphic] [--cpu-prof FILE] [--shim no]');
    process.exit(2);
  }
  args[key] = typeof args[key] === 'number' ? Number(process.argv[++i]) : process.argv[++i];
}

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'integralgit-profile-sync-')));
let server;
process.on('exit', () => {
  if (server) server.child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});
process.once('SIGINT', () => process.exit(130));

// The shim: `git` first on PATH, appending "<ms> <argv>" per command to $BENCH_GIT_LOG.
// (The native backend passes PATH and non-GIT_ variables through to git.)
const shimDir = path.join(root, 'shim');
const gitLog = path.join(root, 'git.log');
const realGit = require('node:child_process').execFileSync('sh', ['-c', 'command -v git']).toString().trim();
fs.mkdirSync(shimDir);
fs.writeFileSync(
  path.join(shimDir, 'git'),
  `#!/bin/sh\ns=$(date +%s%N)\n"${realGit}" "$@"\nrc=$?\necho "$(( ($(date +%s%N) - s) / 1000000 )) $*" >> "$BENCH_GIT_LOG"\nexit $rc\n`,
  { mode: 0o755 },
);

function gitAsync(cwd, argv) {
  return new Promise((resolve, reject) => {
    execFile('git', argv, { cwd, env: GIT_ENV }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout.trim())));
  });
}

const PRIMITIVES = ['inspect', 'trackedPaths', 'diffTrees', 'remoteHead', 'head', 'remotes', 'setRemote', 'clone', 'fetch', 'fetchCommit', 'resolve', 'readTree', 'trackedState', 'unpublishedCommits', 'checkout', 'markDeployed'];

/** Time each GitDriver primitive; a primitive called from inside another counts for the outer one. */
function instrument(driver, phases) {
  let depth = 0;
  for (const name of PRIMITIVES) {
    if (typeof driver[name] !== 'function') continue;
    const fn = driver[name].bind(driver);
    driver[name] = (...a) => {
      if (depth > 0) return fn(...a);
      depth++;
      const t0 = performance.now();
      const done = () => {
        depth--;
        phases.set(name, (phases.get(name) || 0) + performance.now() - t0);
      };
      const r = fn(...a);
      if (r && typeof r.then === 'function') return r.finally(done);
      done();
      return r;
    };
  }
  return driver;
}

/** With --cpu-prof: a V8 CPU profile per phase (<file>-first.cpuprofile, -incr), and its top self times. */
async function startProfiler() {
  if (!args.cpuProf) return { stop: async () => undefined };
  const session = new inspector.Session();
  session.connect();
  const post = (m, p) => new Promise((r, j) => session.post(m, p, (e, res) => (e ? j(e) : r(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return {
    async stop(phase) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      const file = args.cpuProf.replace(/\.cpuprofile$/, '') + `-${phase}.cpuprofile`;
      fs.writeFileSync(file, JSON.stringify(profile));
      console.log(`\n${phase}: wrote ${file}; self time, top functions (idle excluded):`);
      console.log(topSelf(profile));
    },
  };
}

function topSelf(profile, n = 15) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] || 0;
    total += dt;
    const where = f.url ? f.url.replace(/^.*\/(node_modules\/[^/]+|dist)\//, '$1/').replace(/^node:/, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + dt);
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [fmt(us / 1000, 0), `${fmt((100 * us) / total, 1)}%`, k.slice(0, 110)]);
  return table(['self ms', 'share', 'function'], rows) + `\n(total non-idle ${fmt(total / 1000, 0)} ms)`;
}

async function main() {
  const { NativeDriver } = require('../../dist/lib/workcopy/native/native-backend');
  const { IsomorphicDriver } = require('../../dist/lib/workcopy/isomorphic/isomorphic-backend');
  const { backendFromDriver } = require('../../dist/lib/workcopy/create-backend');
  const bare = path.join(root, 'srv', 'app.git');
  generateRepo(bare, { files: args.files, commits: args.commits });
  server = await startGitServer(path.join(root, 'srv'));
  const url = `${server.url}/app.git`;
  const deployRoot = path.join(root, 'deploy');
  fs.mkdirSync(deployRoot);
  if (args.shim !== 'no') process.env.PATH = `${shimDir}:${process.env.PATH}`;
  process.env.BENCH_GIT_LOG = gitLog;

  const phases = new Map();
  const driver = instrument(args.backend === 'native' ? new NativeDriver() : new IsomorphicDriver(), phases);
  const backend = backendFromDriver(driver);
  const settings = { name: 'profile', url, insecure: true, pollInterval: 0, secretEnvNames: [] };
  const location = path.join(deployRoot, 'copy');
  const sync = () => backend.sync({ repo: settings, location, branch: 'master', remote: 'origin', allowedRoots: [deployRoot] });

  const report = (title, runs) => {
    console.log(`\n${title} (${args.backend}, ${args.files} files, median of ${runs.length})`);
    const names = [...new Set(runs.flatMap((r) => [...r.phases.keys()]))];
    const rows = names.map((n) => [n, fmt(median(runs.map((r) => r.phases.get(n) || 0)), 1)]);
    const wall = median(runs.map((r) => r.ms));
    const inPhases = median(runs.map((r) => [...r.phases.values()].reduce((a, b) => a + b, 0)));
    rows.push(['(rest of sync: checks in Node)', fmt(wall - inPhases, 1)], ['TOTAL wall', fmt(wall, 1)]);
    console.log(table(['driver primitive', 'ms'], rows));
    const last = runs[runs.length - 1];
    if (last.git.length > 0) {
      console.log(`git processes in the last run: ${last.git.length}, their wall time ${fmt(last.git.reduce((a, g) => a + g.ms, 0))} ms`);
      for (const g of last.git) console.log(`  ${String(g.ms).padStart(5)} ms  git ${g.cmd.replace(/(-c \S+ )+/g, '-c … ').slice(0, 150)}`);
    }
  };
  const one = async () => {
    phases.clear();
    fs.writeFileSync(gitLog, '');
    const t0 = performance.now();
    await sync();
    const ms = performance.now() - t0;
    const git = fs
      .readFileSync(gitLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ ms: Number(l.slice(0, l.indexOf(' '))), cmd: l.slice(l.indexOf(' ') + 1) }));
    return { ms, phases: new Map(phases), git };
  };

  const profiler = await startProfiler();
  const first = [await one()];
  await profiler.stop('first');
  report('first deploy', first);

  // baseline for comparison: git fetch && git reset --hard in a depth-1 clone
  const base = path.join(deployRoot, 'base');
  await gitAsync(deployRoot, ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', url, base]);
  const addCommit = commitMaker(bare, path.join(root, 'scratch'), { files: args.files });
  const runs = [];
  const baseMs = [];
  const profiler2 = await startProfiler();
  for (let i = 0; i < args.deploys; i++) {
    addCommit();
    runs.push(await one());
    const t0 = performance.now();
    await gitAsync(base, ['fetch', '--quiet']);
    await gitAsync(base, ['reset', '--quiet', '--hard', 'origin/master']);
    baseMs.push(performance.now() - t0);
  }
  await profiler2.stop('incr');
  report('one-commit deploy', runs);
  console.log(`baseline git fetch && git reset --hard: median ${fmt(median(baseMs), 1)} ms`);
  await server.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
