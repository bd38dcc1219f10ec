'use strict';
/*
 * One short git command (`git rev-parse HEAD`) started from a process the size of the
 * server, two ways, in alternating rounds: spawned directly (libuv forks the whole
 * process, blocking its event loop meanwhile) and through the spawn helper (a small node
 * started once, asked over IPC: lib/workcopy/native/spawn-helper.ts). Per way: the wall
 * time from the call to the result, and how long the caller's event loop was blocked by
 * the call itself. The figure is the median of the per-round ratios helper/direct.
 *
 *   npm run build && node bench/spawn-round-trip.js [--rounds 40] [--rss-mb 90] [--json FILE]
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { parseArgs } = require('./lib/args');
const { median, fmt, table } = require('./lib/stats');
const { enableSpawnHelper, runProcess, spawnDirect } = require('../dist/lib/workcopy/native/spawn-helper');

const USAGE = `usage: node bench/spawn-round-trip.js [options]
  --rounds <n>     alternating rounds (default 40)
  --rss-mb <n>     grow this process to about this resident size first (default 90: the
                   server after a few deployments; ~75 idle)
  --json <file>    also write the figures as JSON`;

async function main() {
  const opts = parseArgs(process.argv.slice(2), { rounds: 40, rssMb: 90, json: '' }, USAGE);
  const ballast = grow(opts.rssMb);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const req = { cwd: path.resolve(__dirname, '..'), env: process.env };
  const args = ['rev-parse', 'HEAD'];
  enableSpawnHelper();
  await runProcess('git', args, req); // starts the helper (this one is spawned directly)
  await sleep(1000);

  const ways = {
    direct: () => spawnDirect('git', args, req),
    helper: () => runProcess('git', args, req),
  };
  const rows = [];
  for (let i = 0; i < opts.rounds; i++) {
    const row = {};
    const order = i % 2 ? ['helper', 'direct'] : ['direct', 'helper'];
    for (const way of order) {
      const t0 = performance.now();
      const pending = ways[way]();
      const blocked = performance.now() - t0;
      const res = await pending;
      if (res.code !== 0) throw new Error(`git ${args.join(' ')} failed via ${way}: ${res.stderr}`);
      row[way] = { wallMs: performance.now() - t0, blockedMs: blocked };
      await sleep(20);
    }
    rows.push(row);
  }
  const sum = (way, k) => median(rows.map((r) => r[way][k]));
  const result = {
    load: require('node:os').loadavg(),
    rssMb,
    rounds: rows.length,
    direct: { wallMs: sum('direct', 'wallMs'), blockedMs: sum('direct', 'blockedMs') },
    helper: { wallMs: sum('helper', 'wallMs'), blockedMs: sum('helper', 'blockedMs') },
    medianOfRatiosHelperToDirect: median(rows.map((r) => r.helper.wallMs / r.direct.wallMs)),
  };
  console.log(`git ${args.join(' ')} from a ${fmt(rssMb, 0)} MB process, ${rows.length} alternating rounds, load ${result.load.map((l) => fmt(l, 2)).join(' ')}`);
  console.log(
    table(
      ['way', 'wall ms (median)', 'event loop blocked ms (median)'],
      ['direct', 'helper'].map((w) => [w, fmt(result[w].wallMs, 2), fmt(result[w].blockedMs, 2)]),
    ),
  );
  console.log(`median of per-round ratios helper/direct (wall): ${fmt(result.medianOfRatiosHelperToDirect, 2)}`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
  ballast.length = 0;
  process.exit(0); // the helper's channel is unref'd, but do not wait on it
}

/** Small objects and strings on the V8 heap (touched pages, like the server's) up to about `mb` resident. */
function grow(mb) {
  const keep = [];
  while (process.memoryUsage().rss / 2 ** 20 < mb) {
    const chunk = [];
    for (let i = 0; i < 20_000; i++) chunk.push({ i, s: `entry ${i} ${Math.random()}` });
    keep.push(chunk);
  }
  return keep;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
