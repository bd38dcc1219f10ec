'use strict';
// Issue 16's idle-memory figure: RSS and private memory of `integralgit serve` at rest
// (listening, one repo, no request yet) next to two baselines run in the same alternating
// rounds: a bare node process kept alive, and a bare node:http server listening (the
// strongest honest baseline: it has node's HTTP code resident too). The figure is the
// median of the per-round ratios. adnanh/webhook's RSS is shown when it is installed.
//
// The server is measured as the product starts it (PRODUCT_NODE_FLAGS below: the node flags
// of packaging/systemd/integralgit.service and the Dockerfile) and, for comparison, with
// `--node-flags` (default: --max-semi-space-size=1, the V8 young-generation cap).
// Usage: npm run build && node bench/idle-memory.js [--rounds N] [--idle-ms MS] [--base-bin PATH]
//          [--node-flags FLAGS] [--json FILE]
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { parseArgs } = require('./lib/args');
const { makeTempRoot, onCleanup } = require('./lib/temp-root');
const { freePort } = require('./lib/integralgit-child');
const { median, fmt, table, verdict } = require('./lib/stats');

const opts = parseArgs(
  process.argv.slice(2),
  { rounds: 5, idleMs: 3000, baseBin: '', nodeFlags: '--max-semi-space-size=1', json: '', tmpDir: require('node:os').tmpdir(), keep: false },
  'node bench/idle-memory.js [--rounds N] [--idle-ms MS] [--base-bin PATH] [--node-flags FLAGS] [--json FILE] [--tmp-dir DIR] [--keep]',
);
const BIN = path.resolve(__dirname, '../bin/integralgit.js');
const REPORT = path.resolve(__dirname, 'lib/report-idle.js');
// the node flags the shipped systemd unit and Dockerfile start the server with (none: see docs/benchmarks.md).
// `serve` sets its start-up V8 flags itself (lib/process/lean-start-up.ts); --node-flags such as
// --max-semi-space-size are the operator's and replace that part of it
const PRODUCT_NODE_FLAGS = [];
const GOAL = 1.3;

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
  const root = makeTempRoot('ig-bench-idle-', { keep: opts.keep, base: opts.tmpDir });
  const settings = path.join(root, 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [root], repos: { app: { url: 'https://git.example.com/acme/app.git', secret: 'x' } } }));
  const bareHttp = path.join(root, 'bare-http.js');
  fs.writeFileSync(bareHttp, "require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');\n");
  const product = PRODUCT_NODE_FLAGS.length ? `node ${PRODUCT_NODE_FLAGS.join(' ')}` : 'no node flags';
  const serve = [[`integralgit serve (product default: ${product})`, BIN, PRODUCT_NODE_FLAGS]];
  const flags = opts.nodeFlags.split(/\s+/).filter(Boolean);
  if (flags.length > 0 && flags.join(' ') !== PRODUCT_NODE_FLAGS.join(' ')) serve.push([`integralgit serve, node ${flags.join(' ')}`, BIN, flags]);
  if (opts.baseBin) serve.push(['base: integralgit serve', path.resolve(opts.baseBin), PRODUCT_NODE_FLAGS]);
  const baselines = { 'bare node (kept alive)': ['-e', 'setInterval(() => {}, 1e6)'], 'bare node:http server (listening)': [bareHttp] };
  const base = {};
  const rows = {};
  for (let round = 0; round < opts.rounds; round++) {
    const b = {};
    for (const [label, args] of Object.entries(baselines)) {
      b[label] = await idleFigures(args, root);
      const r = (base[label] ??= { rss: [], priv: [], heap: [], modules: 0 });
      r.rss.push(b[label].rssMb);
      r.priv.push(b[label].privateMb);
      r.heap.push(b[label].heapMb);
      r.modules = b[label].modules;
    }
    const [bare, http] = Object.values(b);
    for (const [label, bin, binFlags] of round % 2 ? [...serve].reverse() : serve) {
      const u = await idleFigures([bin, '--settings', settings, 'serve', '--data-dir', path.join(root, `data-${label.length}`)], root, binFlags);
      const r = (rows[label] ??= { rss: [], priv: [], heap: [], modules: 0, ratio: [], privRatio: [], httpRatio: [], httpPrivRatio: [] });
      r.rss.push(u.rssMb);
      r.priv.push(u.privateMb);
      r.heap.push(u.heapMb);
      r.modules = u.modules;
      r.ratio.push(u.rssMb / bare.rssMb);
      r.privRatio.push(u.privateMb / bare.privateMb);
      r.httpRatio.push(u.rssMb / http.rssMb);
      r.httpPrivRatio.push(u.privateMb / http.privateMb);
    }
  }
  const webhook = await webhookRss(root);
  const loadAverage = require('node:os').loadavg();
  console.log(`idle memory after ${opts.idleMs} ms at rest, ${opts.rounds} alternating rounds, load average ${loadAverage.map((l) => fmt(l, 1)).join(' ')}`);
  console.log(
    table(
      ['process', 'RSS MB (median)', 'private MB', 'heap used MB', 'modules', 'RSS ÷ bare node', `≤ ${GOAL}×`, 'RSS ÷ bare node:http', `≤ ${GOAL}×`, 'private ÷ bare node', 'private ÷ bare node:http'],
      [
        ...Object.entries(rows).map(([k, r]) => {
          const own = !k.startsWith('base');
          return [k, fmt(median(r.rss), 1), fmt(median(r.priv), 1), fmt(median(r.heap), 1), r.modules, fmt(median(r.ratio), 2) + '×', own ? verdict(median(r.ratio) <= GOAL) : '', fmt(median(r.httpRatio), 2) + '×', own ? verdict(median(r.httpRatio) <= GOAL) : '', fmt(median(r.privRatio), 2) + '×', fmt(median(r.httpPrivRatio), 2) + '×'];
        }),
        ...Object.entries(base).map(([k, r]) => [k, fmt(median(r.rss), 1), fmt(median(r.priv), 1), fmt(median(r.heap), 1), r.modules, '', '', '', '', '', '']),
        ['adnanh/webhook', webhook === undefined ? 'not installed' : fmt(webhook, 1), '', '', '', '', '', '', '', '', ''],
      ],
    ),
  );
  if (opts.json) {
    // keys: "serve" (the product default), "serveWithFlags" (--node-flags), "base" (--base-bin), "bareNode", "bareHttp", "webhookRssMb"
    const figures = (r) => ({ rssMb: median(r.rss), privateMb: median(r.priv), heapMb: median(r.heap), modules: r.modules, ...(r.ratio ? { rssRatioBareNode: median(r.ratio), rssRatioBareHttp: median(r.httpRatio), privateRatioBareNode: median(r.privRatio), privateRatioBareHttp: median(r.httpPrivRatio) } : {}) });
    const [productRow, ...others] = Object.entries(rows);
    const out = { idleMs: opts.idleMs, rounds: opts.rounds, loadAverage, goal: GOAL, productNodeFlags: PRODUCT_NODE_FLAGS, serve: figures(productRow[1]) };
    for (const [k, r] of others) out[k.startsWith('base') ? 'base' : 'serveWithFlags'] = { ...(k.startsWith('base') ? {} : { nodeFlags: flags }), ...figures(r) };
    out.bareNode = figures(base['bare node (kept alive)']);
    out.bareHttp = figures(base['bare node:http server (listening)']);
    out.webhookRssMb = webhook ?? null;
    fs.writeFileSync(opts.json, JSON.stringify(out, null, 2) + '\n');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
