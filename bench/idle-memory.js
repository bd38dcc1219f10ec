'use strict';
// Issue 16's idle-memory figure: RSS of `integralgit serve` at rest (listening, one repo,
// no request yet) next to a bare node process kept alive, in alternating rounds; the figure
// is the median of the per-round ratios. adnanh/webhook's RSS is shown when it is installed.
// `--node-flags "--max-semi-space-size=1"` adds a row for the same server started with those
// V8 flags on node's command line (as a Dockerfile CMD or systemd ExecStart would pass them).
// Usage: npm run build && node bench/idle-memory.js [--rounds N] [--idle-ms MS] [--base-bin PATH] [--node-flags FLAGS]
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { parseArgs } = require('./lib/args');
const { makeTempRoot, onCleanup } = require('./lib/temp-root');
const { freePort } = require('./lib/integralgit-child');
const { median, fmt, table, verdict } = require('./lib/stats');

const opts = parseArgs(process.argv.slice(2), { rounds: 5, idleMs: 3000, baseBin: '', nodeFlags: '', keep: false }, 'node bench/idle-memory.js [--rounds N] [--idle-ms MS] [--base-bin PATH] [--node-flags FLAGS] [--keep]');
const BIN = path.resolve(__dirname, '../bin/integralgit.js');
const REPORT = path.resolve(__dirname, 'lib/report-idle.js');

async function idleFigures(args, root, flags = []) {
  const usageFile = path.join(root, `usage-${Date.now()}-${Math.random()}.jsonl`);
  const child = spawn(process.execPath, [...flags, '--require', REPORT, ...args], {
    env: { ...process.env, IG_BENCH_USAGE_FILE: usageFile, IG_BENCH_IDLE_MS: String(opts.idleMs) },
    stdio: 'ignore',
  });
  const kill = () => child.exitCode === null && child.kill('SIGKILL');
  onCleanup(kill);
  const deadline = Date.now() + opts.idleMs + 20_000;
  while (!fs.existsSync(usageFile)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${args.join(' ')} did not report (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  kill();
  return JSON.parse(fs.readFileSync(usageFile, 'utf8').trim());
}

async function webhookRss(root) {
  if (spawnSync('webhook', ['-version']).error) return undefined;
  const hooks = path.join(root, 'hooks.json');
  fs.writeFileSync(hooks, JSON.stringify([{ id: 'deploy', 'execute-command': '/bin/true' }]));
  const child = spawn('webhook', ['-hooks', hooks, '-ip', '127.0.0.1', '-port', String(await freePort())], { stdio: 'ignore' });
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, opts.idleMs));
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGKILL');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function main() {
  const root = makeTempRoot('ig-bench-idle-', { keep: opts.keep });
  const settings = path.join(root, 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [root], repos: { app: { url: 'https://git.example.com/acme/app.git', secret: 'x' } } }));
  const bins = [['integralgit serve', BIN, []]];
  const flags = opts.nodeFlags.split(/\s+/).filter(Boolean);
  if (flags.length > 0) bins.push([`integralgit serve, node ${flags.join(' ')}`, BIN, flags]);
  if (opts.baseBin) bins.push(['base: integralgit serve', path.resolve(opts.baseBin), []]);
  const bare = [];
  const barePrivate = [];
  const rows = {};
  for (let round = 0; round < opts.rounds; round++) {
    const b = await idleFigures(['-e', 'setInterval(() => {}, 1e6)'], root);
    bare.push(b.rssMb);
    barePrivate.push(b.privateMb);
    for (const [label, bin, binFlags] of round % 2 ? [...bins].reverse() : bins) {
      const u = await idleFigures([bin, '--settings', settings, 'serve', '--data-dir', path.join(root, `data-${label.length}`)], root, binFlags);
      const r = (rows[label] ??= { rss: [], ratio: [], priv: [], privRatio: [], heap: [], modules: 0 });
      r.rss.push(u.rssMb);
      r.priv.push(u.privateMb);
      r.privRatio.push(u.privateMb / b.privateMb);
      r.heap.push(u.heapMb);
      r.ratio.push(u.rssMb / b.rssMb);
      r.modules = u.modules;
    }
  }
  const webhook = await webhookRss(root);
  console.log(`idle RSS after ${opts.idleMs} ms at rest, ${opts.rounds} alternating rounds; bare node (kept alive): median ${fmt(median(bare), 1)} MB RSS, ${fmt(median(barePrivate), 1)} MB private`);
  console.log(
    table(
      ['process', 'RSS MB (median)', 'private MB', 'heap used MB', 'modules', 'RSS ÷ bare node (median of rounds)', 'goal ≤ 1.3×', 'private ÷ bare node'],
      [
        ...Object.entries(rows).map(([k, r]) => [k, fmt(median(r.rss), 1), fmt(median(r.priv), 1), fmt(median(r.heap), 1), r.modules, fmt(median(r.ratio), 2) + '×', k.startsWith('base') ? '' : verdict(median(r.ratio) <= 1.3), fmt(median(r.privRatio), 2) + '×']),
        ['adnanh/webhook', webhook === undefined ? 'not installed' : fmt(webhook, 1), '', '', '', '', '', ''],
      ],
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
