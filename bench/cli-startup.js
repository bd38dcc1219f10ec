'use strict';
// Issue 16's CLI figure: CPU time and modules loaded by `integralgit --help`, `status` and
// `config <repo>` (warm cache, remote served over smart HTTP), next to `node -e 0`, in
// alternating rounds; the figure is the median of the per-round ratios.
// Usage: npm run build && node bench/cli-startup.js [--rounds N] [--base-bin PATH] [--json FILE]
// --base-bin runs a second build (e.g. a copy of the previous dist/ with its bin/) in the
// same rounds, so a change is measured against its baseline under the same load.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { median, fmt, table, verdict } = require('./lib/stats');
const { GIT_ENV } = require('./lib/git-repo');

const opts = parseArgs(process.argv.slice(2), { rounds: 15, baseBin: '', json: '', tmpDir: require('node:os').tmpdir(), keep: false }, 'node bench/cli-startup.js [--rounds N] [--base-bin PATH] [--json FILE] [--tmp-dir DIR] [--keep]');
const BIN = path.resolve(__dirname, '../bin/integralgit.js');
const REPORT = path.resolve(__dirname, 'lib/report-usage.js');

async function main() {
  const { serveGitHttp } = require('../dist/lib/demo/serve-git-http');
  const root = makeTempRoot('ig-bench-cli-', { keep: opts.keep, base: opts.tmpDir });
  const git = (cwd, args, input) => execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, input }).toString().trim();
  const srv = path.join(root, 'srv');
  fs.mkdirSync(srv);
  const bare = path.join(srv, 'app.git');
  git(root, ['init', '-q', '--bare', '-b', 'master', bare]);
  const work = path.join(root, 'work');
  git(root, ['init', '-q', '-b', 'master', work]);
  fs.writeFileSync(path.join(work, 'README'), 'app\n');
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', 'content']);
  git(work, ['push', '-q', bare, 'master']);
  const config = { hostgroups: { web: ['web1'] }, configs: { base: { location: '/srv/www/app', script: './deploy.sh' }, web: { env: { A: '1' } } } };
  const blob = git(work, ['hash-object', '-w', '--stdin'], JSON.stringify(config));
  const tree = git(work, ['mktree'], `100644 blob ${blob}\tconfig\n`);
  const commit = git(work, ['commit-tree', tree, '-m', 'config']);
  git(work, ['push', '-q', bare, `${commit}:refs/heads/integralgit`]);
  const server = await serveGitHttp({ projectRoot: srv });
  // a data dir per build: an older build refuses a database a newer one has migrated
  const settingsFor = (label) => {
    const file = path.join(root, `settings-${label}.json`);
    fs.writeFileSync(file, JSON.stringify({ dataDir: path.join(root, `data-${label}`), hostname: 'web1', allowedRoots: ['/srv/www'], repos: { app: { url: `${server.url}/app.git`, secret: 'x' } } }));
    return file;
  };

  const usageFile = path.join(root, 'usage.jsonl');
  const measure = (args) => {
    fs.rmSync(usageFile, { force: true });
    // spawnSync blocks the event loop, so the git server runs in this process only between
    // runs: the commands that read the remote are run asynchronously below
    const r = spawnSync(process.execPath, ['--require', REPORT, ...args], { env: { ...process.env, IG_BENCH_USAGE_FILE: usageFile }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(fs.readFileSync(usageFile, 'utf8').trim().split('\n')[0]);
  };
  const measureAsync = (args) =>
    new Promise((resolve, reject) => {
      fs.rmSync(usageFile, { force: true });
      const { execFile } = require('node:child_process');
      execFile(process.execPath, ['--require', REPORT, ...args], { env: { ...process.env, IG_BENCH_USAGE_FILE: usageFile } }, (err, _out, stderr) => {
        if (err) return reject(new Error(`${args.join(' ')}: ${stderr || err.message}`));
        resolve(JSON.parse(fs.readFileSync(usageFile, 'utf8').trim().split('\n')[0]));
      });
    });

  const bins = [['current', BIN]];
  if (opts.baseBin) bins.push(['base', path.resolve(opts.baseBin)]);
  const commands = (label) => {
    const settings = settingsFor(label);
    return [
      ['--help', ['--help'], false],
      ['status', ['--settings', settings, 'status'], false],
      ['config app', ['--settings', settings, 'config', 'app'], true],
    ];
  };
  // warm each build's config cache once
  for (const [label, bin] of bins) await measureAsync([bin, ...commands(label)[2][1]]);
  const ratios = {};
  const cpu = {};
  const modules = {};
  const node0 = [];
  for (let round = 0; round < opts.rounds; round++) {
    const baseline = measure(['-e', '0']).cpuMs;
    node0.push(baseline);
    for (const [label, bin] of round % 2 ? [...bins].reverse() : bins) {
      for (const [name, args, async] of commands(label)) {
        const key = `${label} ${name}`;
        const u = async ? await measureAsync([bin, ...args]) : measure([bin, ...args]);
        (ratios[key] ??= []).push(u.cpuMs / baseline);
        (cpu[key] ??= []).push(u.cpuMs);
        modules[key] = u.modules;
      }
    }
  }
  await server.close();
  const rows = Object.keys(ratios).map((k) => [k, fmt(median(cpu[k]), 0), modules[k], fmt(median(ratios[k]), 2) + '×', k.startsWith('current') ? verdict(median(ratios[k]) <= 2) : '']);
  console.log(`CLI start-up, ${opts.rounds} alternating rounds, node -e 0: median ${fmt(median(node0), 0)} ms CPU, ${measure(['-e', '0']).modules} modules`);
  console.log(table(['command', 'CPU ms (median)', 'modules', 'CPU ÷ node -e 0 (median of rounds)', 'goal ≤ 2×'], rows));
  if (opts.json) {
    // keys: "current --help", "current status", "current config app" (and "base …" with --base-bin)
    const commandsJson = Object.fromEntries(Object.keys(ratios).map((k) => [k, { cpuMs: median(cpu[k]), modules: modules[k], ratio: median(ratios[k]), goalMet: median(ratios[k]) <= 2 }]));
    fs.writeFileSync(opts.json, JSON.stringify({ rounds: opts.rounds, loadAverage: require('node:os').loadavg(), nodeCpuMs: median(node0), commands: commandsJson }, null, 2) + '\n');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
