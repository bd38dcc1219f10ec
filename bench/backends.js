#!/usr/bin/env node
'use strict';
/**
 * The working-copy backends against plain git, on the same remote in the same run
 * (issue 4, "Measure and report"). Two generated repositories (2,000 files / 1,000
 * commits, and 20,000 files / a few commits) are served by `git http-backend` on
 * 127.0.0.1; for each, both backends and git itself do:
 *   1. first deploy: backend.sync() into an absent location
 *      vs `git clone --depth 1 --single-branch --no-tags <url>`;
 *   2. one-commit deploy: backend.sync() of a copy one commit behind
 *      vs `git fetch && git reset --hard origin/master` in a separate depth-1 clone;
 *   3. the same after N deploys (default 200): median of the last 10 vs the first 10,
 *      and the pack files each copy holds at the end;
 *   4. peak memory of each: this process's RSS added over its baseline, plus the git
 *      processes it spawned (see backends-lib/rss-sampler.js).
 * Needs the built code: `npm run build` first. Everything lives in a temp directory that
 * is removed at the end (or on Ctrl-C); the server listens on 127.0.0.1 only.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { execFile } = require('node:child_process');
const { generateRepo, commitMaker, GIT_ENV } = require('./backends-lib/generate-repo');
const { startGitServer } = require('./backends-lib/start-server');
const { createSampler } = require('./backends-lib/rss-sampler');
const { median, max, fmt, mb, table } = require('./backends-lib/stats');

const USAGE = `usage: node bench/backends.js [--quick] [--only small|large] [--backends native,isomorphic]
                                [--runs N] [--deploys N] [--window N] [--json FILE] [--tmp-dir DIR] [--dist DIR] [--keep]
  --quick     small sizes for a smoke run (200 files / 100 commits, 2,000 files; 3 runs, 20 deploys)
  --runs      first-deploy repetitions per repository (default 5)
  --deploys   one-commit deploys in a row (default 200); the first --window of them are figure 2
  --window    deploys in each median of figure 3 (default 10)
  --json      also write the raw timings and the summary to FILE
  --tmp-dir   where the temp directory is made (default: the OS temp dir; /dev/shm takes the disk out)
  --dist      the built code to measure (default: this checkout's dist/), e.g. a build of another commit
  --keep      keep the temp directory (its path is printed)`;

function parseArgs(argv) {
  const o = { quick: false, only: '', backends: 'native,isomorphic', runs: 0, deploys: 0, window: 0, json: '', tmpDir: '', dist: '', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const flag = a.replace(/=.*$/, '');
    if (m) m[1] = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!m || !(m[1] in o)) {
      console.error(`unknown option ${a}\n${USAGE}`);
      process.exit(2);
    }
    if (typeof o[m[1]] === 'boolean') {
      o[m[1]] = true;
      continue;
    }
    const v = m[2] !== undefined ? m[2] : argv[++i];
    if (v === undefined) {
      console.error(`${flag} needs a value\n${USAGE}`);
      process.exit(2);
    }
    const numeric = typeof o[m[1]] === 'number';
    o[m[1]] = numeric ? Number(v) : v;
    if (numeric && !(Number.isInteger(o[m[1]]) && o[m[1]] > 0)) {
      console.error(`${flag} must be a positive integer`);
      process.exit(2);
    }
  }
  if (o.only && !['small', 'large'].includes(o.only)) {
    console.error(`--only must be small or large\n${USAGE}`);
    process.exit(2);
  }
  const backends = o.backends.split(',').filter(Boolean);
  if (backends.length === 0 || backends.some((b) => b !== 'native' && b !== 'isomorphic')) {
    console.error(`--backends takes native and/or isomorphic\n${USAGE}`);
    process.exit(2);
  }
  o.backends = backends;
  o.runs = o.runs || (o.quick ? 3 : 5);
  o.deploys = o.deploys || (o.quick ? 20 : 200);
  o.window = o.window || (o.quick ? 5 : 10);
  if (o.window * 2 > o.deploys) {
    console.error('--deploys must be at least twice --window');
    process.exit(2);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const REPOS = [
  { key: 'small', label: opts.quick ? '200 files / 100 commits' : '2,000 files / 1,000 commits', files: opts.quick ? 200 : 2000, commits: opts.quick ? 100 : 1000 },
  { key: 'large', label: opts.quick ? '2,000 files / 5 commits' : '20,000 files / 5 commits', files: opts.quick ? 2000 : 20000, commits: 5 },
].filter((r) => !opts.only || r.key === opts.only);

// A full GC before each measurement makes "RSS before" comparable between operations.
v8.setFlagsFromString('--expose-gc');
global.gc = global.gc || vm.runInNewContext('gc');

const DIST = path.resolve(opts.dist || path.join(__dirname, '..', 'dist'));
let distRequire;
try {
  distRequire = {
    createBackend: require(path.join(DIST, 'lib', 'workcopy', 'create-backend')).createBackend,
  };
} catch (err) {
  console.error(`cannot load ${DIST}: run \`npm run build\` first (${err.message})`);
  process.exit(1);
}

/** Which code was measured: the checkout's commit, and whether lib/workcopy had uncommitted edits. */
function codeVersion() {
  const run = (args) => {
    try {
      return require('node:child_process').execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const dirty = run(['status', '--porcelain', '--', 'lib/workcopy']);
  return { dist: DIST, commit: run(['rev-parse', '--short', 'HEAD']), libWorkcopyUncommitted: dirty ? dirty.split('\n').length : 0 };
}

// ---- cleanup: temp directory, server child, sampler worker ----
const cleanups = [];
function cleanupSync() {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()();
    } catch {
      // best effort
    }
  }
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanupSync();
    process.exit(130);
  });
}

function log(line) {
  process.stderr.write(`[backends ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function gitAsync(cwd, args) {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

function rotate(list, n) {
  const k = n % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function packCount(dir) {
  try {
    return fs.readdirSync(path.join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack')).length;
  } catch {
    return 0;
  }
}

function looseCount(dir) {
  let n = 0;
  const objects = path.join(dir, '.git', 'objects');
  for (const d of fs.readdirSync(objects)) if (/^[0-9a-f]{2}$/.test(d)) n += fs.readdirSync(path.join(objects, d)).length;
  return n;
}

const CODE = codeVersion();

async function main() {
  log(`measuring ${CODE.dist} (checkout at ${CODE.commit}${CODE.libWorkcopyUncommitted ? `, ${CODE.libWorkcopyUncommitted} uncommitted file(s) in lib/workcopy` : ''})`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(opts.tmpDir || os.tmpdir(), 'integralgit-bench-backends-')));
  cleanups.push(() => (opts.keep ? console.error(`kept ${root}`) : fs.rmSync(root, { recursive: true, force: true })));
  const srv = path.join(root, 'srv');
  const deployRoot = path.join(root, 'deploy');
  fs.mkdirSync(deployRoot, { recursive: true });

  for (const r of REPOS) {
    const t0 = performance.now();
    generateRepo(path.join(srv, `${r.key}.git`), { files: r.files, commits: r.commits, seed: r.key === 'small' ? 1 : 2 });
    log(`generated ${r.key} (${r.label}) in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  const server = await startGitServer(srv);
  cleanups.push(() => server.child.kill('SIGKILL'));
  const sampler = createSampler();
  cleanups.push(() => sampler.close());
  const exclude = [server.pid];
  const backends = Object.fromEntries(opts.backends.map((b) => [b, distRequire.createBackend(b)]));
  const names = ['git', ...opts.backends];
  const raw = [];
  const record = (repo, scenario, round, who, m) => raw.push({
      repo: repo.key,
      scenario,
      round,
      who,
      ms: m.ms,
      nodeBytes: m.nodeBytes,
      childBytes: m.childBytes,
      helperBytes: m.helperBytes,
      helperAnonBytes: m.helperAnonBytes,
    });

  for (const repo of REPOS) {
    const url = `${server.url}/${repo.key}.git`;
    const settings = { name: `bench-${repo.key}`, url, insecure: true, pollInterval: 0, secretEnvNames: [] };
    const sync = (who, location) => backends[who].sync({ repo: settings, location, branch: 'master', remote: 'origin', allowedRoots: [deployRoot] });
    const head = async (dir) => gitAsync(dir, ['rev-parse', 'HEAD']);
    const bare = path.join(srv, `${repo.key}.git`);

    // 1. first deploy
    let expected = await gitAsync(bare, ['rev-parse', 'master']);
    for (let i = 0; i < opts.runs; i++) {
      for (const who of rotate(names, i)) {
        const dir = path.join(deployRoot, `${repo.key}-first-${who}-${i}`);
        const op = who === 'git' ? () => gitAsync(deployRoot, ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', url, dir]) : () => sync(who, dir);
        const m = await sampler.measure(op, { exclude });
        const got = await head(dir);
        if (got !== expected) throw new Error(`${who} first deploy of ${repo.key} left ${got}, expected ${expected}`);
        record(repo, 'first', i, who, m);
        log(`${repo.key} first deploy #${i + 1} ${who}: ${fmt(m.ms)} ms, node +${mb(m.nodeBytes)} MB, git ${mb(m.childBytes)} MB, helper ${mb(m.helperBytes)} MB`);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    // 2 and 3. one-commit deploys in a row
    const dirs = Object.fromEntries(names.map((who) => [who, path.join(deployRoot, `${repo.key}-incr-${who}`)]));
    for (const who of names) {
      if (who === 'git') await gitAsync(deployRoot, ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', url, dirs.git]);
      else await sync(who, dirs[who]);
    }
    const addCommit = commitMaker(bare, path.join(root, 'scratch', repo.key), { files: repo.files, seed: repo.key === 'small' ? 3 : 4 });
    const t0 = performance.now();
    for (let r = 0; r < opts.deploys; r++) {
      expected = addCommit();
      for (const who of rotate(names, r)) {
        const dir = dirs[who];
        const op =
          who === 'git'
            ? async () => {
                await gitAsync(dir, ['fetch', '--quiet']);
                await gitAsync(dir, ['reset', '--quiet', '--hard', 'origin/master']);
              }
            : () => sync(who, dir);
        const m = await sampler.measure(op, { exclude });
        const got = await head(dir);
        if (got !== expected) throw new Error(`${who} deploy #${r + 1} of ${repo.key} left ${got}, expected ${expected}`);
        record(repo, 'incr', r, who, m);
      }
      if ((r + 1) % 10 === 0 || r === 0) {
        const last = raw.slice(-names.length).map((x) => `${x.who} ${fmt(x.ms)} ms`).join(', ');
        log(`${repo.key} one-commit deploy ${r + 1}/${opts.deploys} (${fmt((performance.now() - t0) / 1000)} s so far): ${last}`);
      }
    }
    repo.packs = Object.fromEntries(names.map((who) => [who, packCount(dirs[who])]));
    repo.loose = Object.fromEntries(names.map((who) => [who, looseCount(dirs[who])]));
    for (const who of names) fs.rmSync(dirs[who], { recursive: true, force: true });
  }
  await server.stop();
  await sampler.close();

  const summary = summarize(raw);
  printSummary(summary);
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify({ opts, machine: machine(), code: CODE, repos: REPOS, summary, raw }, null, 2));
    log(`wrote ${opts.json}`);
  }
}

function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0] && os.cpus()[0].model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

/**
 * Figures from the raw timings. The machine is shared, so its speed drifts during a run;
 * every ratio is therefore paired: each round runs git and the backends back to back (in
 * rotating order), the ratio is taken within the round, and the median of those ratios is
 * reported. Pile-up (figure 3) is the median paired ratio of the last `window` deploys over
 * that of the first `window`: git's own drift cancels out. The raw ratio of the medians is
 * kept beside it.
 */
function summarize(raw) {
  const rows = [];
  // the native backend's spawn helper lives on once started: it counts for the native rows only
  const mem = (xs) => {
    const helper = (x) => (x.who === 'native' ? x.helperAnonBytes : 0);
    return {
      nodeMb: max(xs.map((x) => x.nodeBytes)) / 2 ** 20,
      gitMb: max(xs.map((x) => x.childBytes)) / 2 ** 20,
      helperMb: max(xs.map((x) => (x.who === 'native' ? x.helperBytes : 0))) / 2 ** 20,
      helperAnonMb: max(xs.map(helper)) / 2 ** 20,
      addedMb: max(xs.map((x) => x.nodeBytes + x.childBytes + helper(x))) / 2 ** 20,
    };
  };
  for (const repo of REPOS) {
    const of = (scenario, who, from = 0, to = Infinity) => raw.filter((x) => x.repo === repo.key && x.scenario === scenario && x.who === who && x.round >= from && x.round < to);
    const paired = (scenario, who, from, to) => {
      const git = new Map(of(scenario, 'git', from, to).map((x) => [x.round, x.ms]));
      return of(scenario, who, from, to).map((x) => x.ms / git.get(x.round));
    };
    const late = opts.deploys - opts.window;
    for (const [scenario, label, to, target] of [
      ['first', 'first deploy', Infinity, 1.5],
      ['incr', 'one-commit deploy', opts.window, 1.5],
    ]) {
      const git = of(scenario, 'git', 0, to);
      rows.push({ repo: repo.key, scenario: label, who: 'git', runs: git.length, ms: median(git.map((x) => x.ms)), baseMs: NaN, ratio: NaN, target: null, ...mem(git) });
      for (const who of opts.backends) {
        const xs = of(scenario, who, 0, to);
        rows.push({
          repo: repo.key,
          scenario: label,
          who,
          runs: xs.length,
          ms: median(xs.map((x) => x.ms)),
          baseMs: median(git.map((x) => x.ms)),
          ratio: median(paired(scenario, who, 0, to)),
          target: who === 'native' ? target : null,
          ...mem(xs),
        });
      }
    }
    for (const who of ['git', ...opts.backends]) {
      const early = of('incr', who, 0, opts.window);
      const last = of('incr', who, late);
      const all = of('incr', who).map((x) => x.ms);
      const rawRatio = median(last.map((x) => x.ms)) / median(early.map((x) => x.ms));
      const ratio = who === 'git' ? rawRatio : median(paired('incr', who, late, Infinity)) / median(paired('incr', who, 0, opts.window));
      rows.push({
        repo: repo.key,
        scenario: `after ${opts.deploys} deploys`,
        who,
        runs: last.length,
        ms: median(last.map((x) => x.ms)),
        baseMs: median(early.map((x) => x.ms)),
        ratio,
        rawRatio,
        target: who === 'git' ? null : 1.2,
        p90Ms: percentile(all, 90),
        maxMs: max(all),
        spikes: spikes(all),
        packs: repo.packs[who],
        loose: repo.loose[who],
        ...mem(last),
      });
    }
  }
  return rows;
}

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Deploys taking over 5x the median (the isomorphic backend's pack compaction shows up here). */
function spikes(values) {
  const m = median(values);
  const idx = values.map((v, i) => (v > 5 * m ? i + 1 : 0)).filter(Boolean);
  if (idx.length === 0) return '';
  const every = idx.length > 1 ? ` every ${median(idx.slice(1).map((v, i) => v - idx[i]))}th` : '';
  return `${idx.length}x${every}, median ${fmt(median(idx.map((i) => values[i - 1])))} ms`;
}

function printSummary(rows) {
  const header = ['repository', 'scenario', 'backend', 'n', 'median ms', 'baseline ms', 'ratio', 'target', 'node +MB', 'git procs MB', 'helper MB', 'added MB', 'p90/max ms', 'packs', 'slow deploys'];
  const body = rows.map((r) => [
    REPOS.find((x) => x.key === r.repo).label,
    r.scenario,
    r.who === 'git' ? 'git (baseline)' : r.who,
    r.runs,
    fmt(r.ms),
    fmt(r.baseMs),
    Number.isFinite(r.ratio) ? `${fmt(r.ratio, 2)}x` + (r.rawRatio !== undefined && r.who !== 'git' ? ` (raw ${fmt(r.rawRatio, 2)}x)` : '') : '',
    r.target ? `<=${r.target}x ${r.ratio <= r.target ? 'ok' : 'MISSED'}` : '',
    mb(r.nodeMb * 2 ** 20),
    mb(r.gitMb * 2 ** 20),
    r.helperMb > 0 ? `${mb(r.helperMb * 2 ** 20)} (${mb(r.helperAnonMb * 2 ** 20)} own)` : '',
    mb(r.addedMb * 2 ** 20),
    r.p90Ms === undefined ? '' : `${fmt(r.p90Ms)}/${fmt(r.maxMs)}`,
    r.packs === undefined ? '' : String(r.packs),
    r.spikes || '',
  ]);
  console.log(`\nWorking-copy backends vs git (${machine().cpus} CPUs, ${process.version}).`);
  console.log(table(header, body));
  console.log(
    [
      'baseline ms: git doing the same (figures 1-2), or the same backend\'s first ' + opts.window + ' deploys (figure 3).',
      'ratio: median of the per-round ratios to git (each round runs all back to back); figure 3: that paired ratio over the last',
      `  ${opts.window} deploys divided by the one over the first ${opts.window} (raw: plain ratio of the medians, machine drift included).`,
      'node +MB: peak RSS of this process over its RSS before the operation; git procs MB: peak summed RSS of the git processes it',
      '  spawned; helper MB: peak RSS of the native backend\'s spawn helper (a node child started once), in brackets its private',
      '  part (RssAnon; the rest is the node binary shared with this process); added MB: node + git procs + helper\'s private part',
      '  (max over runs). p90/max, packs, slow deploys: over all one-commit deploys of the row.',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
