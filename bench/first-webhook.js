'use strict';
// Issue 16: what the lazy start-up costs the first push a fresh server takes. Per round, and
// per build (the current one, and `--base-bin` in the same alternating rounds): a server on
// a fresh data dir, left alone until it listens (a bare TCP connect: no HTTP request loads
// anything first) plus --idle-ms, then one signed push webhook; the figure is the time from
// the POST to the first line of the deploy script (`date +%s%N`, the script's own clock).
// The first deployment clones, so this is the whole first-push path, cold.
// Usage: npm run build && node bench/first-webhook.js [--rounds N] [--idle-ms MS] [--base-bin PATH] [--json FILE]
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { githubPushPayload } = require('../dist/lib/demo/github-push');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { createServedRepo } = require('./lib/git-repo');
const { freePort, writeSettings } = require('./lib/integralgit-child');
const { signedHeaders } = require('./lib/push-body');
const { realtimeClock } = require('./lib/realtime-clock');
const { median, fmt, table } = require('./lib/stats');

const opts = parseArgs(
  process.argv.slice(2),
  { rounds: 5, idleMs: 1000, baseBin: '', json: '', tmpDir: require('node:os').tmpdir(), keep: false },
  'node bench/first-webhook.js [--rounds N] [--idle-ms MS] [--base-bin PATH] [--json FILE] [--tmp-dir DIR] [--keep]',
);
const BIN = path.resolve(__dirname, '../bin/integralgit.js');

async function listening(port, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await sleep(20);
  }
  throw new Error('serve did not listen within 12 s');
}

async function scriptStart(marker, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
    if (line) return BigInt(line.split('\n')[0]);
    if (Date.now() > deadline) throw new Error(`the deploy script did not start within ${timeoutMs} ms`);
    await sleep(2);
  }
}

async function main() {
  const root = makeTempRoot('ig-bench-first-', { keep: opts.keep, base: opts.tmpDir });
  const deployRoot = path.join(root, 'deployments');
  const location = path.join(deployRoot, 'app');
  const marker = path.join(root, 'script-start.txt');
  fs.mkdirSync(deployRoot);
  const repo = await createServedRepo(root, {
    files: { 'deploy.sh': `#!/bin/sh\ndate +%s%N >> "${marker}"\n`, 'src/app.js': 'module.exports = 1;\n' },
    config: { configs: { base: { location, script: './deploy.sh', branch: 'master' } } },
  });
  const secret = crypto.randomBytes(24).toString('hex');
  const head = repo.head('refs/heads/master');
  const now = realtimeClock();
  const bins = [['current', BIN]];
  if (opts.baseBin) bins.push(['base', path.resolve(opts.baseBin)]);

  const firstPush = async (label, bin, round) => {
    const dataDir = path.join(root, `data-${label}-${round}`);
    fs.rmSync(location, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
    const port = await freePort();
    const settingsFile = writeSettings(path.join(root, `settings-${label}.json`), {
      listen: { host: '127.0.0.1', port },
      dataDir,
      hostname: 'bench-host',
      allowedRoots: [deployRoot],
      repos: { app: { url: repo.url, secret } },
    });
    const out = fs.openSync(path.join(root, `serve-${label}.out`), 'a');
    const child = spawn(process.execPath, [bin, 'serve', '--settings', settingsFile], { stdio: ['ignore', out, out], env: { ...process.env, NODE_ENV: 'production' } });
    fs.closeSync(out);
    try {
      await listening(port, child);
      await sleep(opts.idleMs);
      const body = githubPushPayload({
        cloneUrl: repo.url,
        ref: 'refs/heads/master',
        before: '0'.repeat(40),
        after: head,
        commits: [{ id: head, message: 'initial commit', authorName: 'Bench Author', authorEmail: 'bench@example.com', timestamp: new Date().toISOString() }],
      });
      const t0 = now();
      const res = await fetch(`http://127.0.0.1:${port}/update`, { method: 'POST', body, headers: signedHeaders(body, secret, crypto.randomUUID()) });
      const answer = await res.text();
      if (res.status !== 202) throw new Error(`the webhook was answered ${res.status}: ${answer}`);
      return Number((await scriptStart(marker)) - t0) / 1e6;
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
    }
  };

  const ms = {};
  const ratios = [];
  for (let round = 0; round < opts.rounds; round++) {
    const r = {};
    for (const [label, bin] of round % 2 ? [...bins].reverse() : bins) {
      r[label] = await firstPush(label, bin, round);
      (ms[label] ??= []).push(r[label]);
    }
    if (r.base) ratios.push(r.current / r.base);
  }
  await repo.http.close();
  const loadAverage = require('node:os').loadavg();
  console.log(`first push on a fresh server → deploy script start (clone included), ${opts.rounds} alternating rounds, ${opts.idleMs} ms at rest first, load ${loadAverage.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(table(['build', 'median ms', 'rounds (ms)'], Object.entries(ms).map(([k, v]) => [k, fmt(median(v), 1), v.map((x) => fmt(x, 0)).join(' ')])));
  if (ratios.length) console.log(`current ÷ base, median of per-round ratios: ${fmt(median(ratios), 2)}×`);
  if (opts.json) {
    // keys: currentMs, baseMs (with --base-bin), ratio (median of per-round current ÷ base), loadAverage
    fs.writeFileSync(opts.json, JSON.stringify({ rounds: opts.rounds, idleMs: opts.idleMs, loadAverage, currentMs: median(ms.current), baseMs: ms.base ? median(ms.base) : null, ratio: ratios.length ? median(ratios) : null }, null, 2) + '\n');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
