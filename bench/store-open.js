'use strict';
// Issue 16's store-open figure: milliseconds to load lib/store and open an existing data
// dir's database (openStoreForReading, as `status` does; openStore, as a writing command
// does), each in a fresh process, `runs` per build in alternating order; the figure is the
// median. --base-dist names a second build's dist/ (e.g. a copy of the previous one) measured
// in the same rounds, so a change is compared with its baseline under the same load.
// Usage: npm run build && node bench/store-open.js [--runs N] [--base-dist PATH] [--json FILE]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { median, fmt, table } = require('./lib/stats');

const opts = parseArgs(process.argv.slice(2), { runs: 20, baseDist: '', json: '', keep: false }, 'node bench/store-open.js [--runs N] [--base-dist PATH] [--json FILE] [--keep]');

// run in the child: the time to require the store and open it, then one query a command makes
const PROBE = `
const t0 = performance.now();
const store = require(process.argv[1]);
const t1 = performance.now();
const s = store[process.argv[3]](process.argv[2]);
const t2 = performance.now();
s.listRepos();
const t3 = performance.now();
s.close();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, openMs: t2 - t1, firstQueryMs: t3 - t2 }));
`;

function main() {
  const root = makeTempRoot('ig-bench-store-open-', { keep: opts.keep });
  const builds = [['current', path.resolve(__dirname, '../dist')]];
  if (opts.baseDist) builds.push(['base', path.resolve(opts.baseDist)]);
  const dataDirs = {};
  for (const [label, dist] of builds) {
    // a data dir per build (an older build refuses a database a newer one has migrated), with some history
    dataDirs[label] = path.join(root, `data-${label}`);
    const { openStore } = require(path.join(dist, 'lib/store'));
    const s = openStore(dataDirs[label]);
    s.ensureRepo('app');
    s.close();
  }
  const probe = (dist, dataDir, fn) => {
    const r = spawnSync(process.execPath, ['-e', PROBE, path.join(dist, 'lib/store'), dataDir, fn], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`probe ${fn} on ${dist} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const samples = {};
  for (let run = 0; run < opts.runs; run++) {
    for (const [label, dist] of run % 2 ? [...builds].reverse() : builds) {
      for (const fn of ['openStoreForReading', 'openStore']) {
        const u = probe(dist, dataDirs[label], fn);
        const key = `${label} ${fn}`;
        for (const [k, v] of Object.entries(u)) ((samples[key] ??= {})[k] ??= []).push(v);
      }
    }
  }
  // with a base build: the median of the per-run ratios (current ÷ base), load and open together
  const ratios = {};
  if (opts.baseDist) {
    for (const fn of ['openStoreForReading', 'openStore']) {
      const cur = samples[`current ${fn}`];
      const base = samples[`base ${fn}`];
      ratios[fn] = median(cur.loadMs.map((l, i) => (l + cur.openMs[i]) / (base.loadMs[i] + base.openMs[i])));
    }
  }
  const result = Object.fromEntries(Object.entries(samples).map(([key, s]) => [key, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]))]));
  const load = os.loadavg();
  console.log(`store open, ${opts.runs} fresh processes per build and call, medians; load average ${load.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(table(['build and call', 'require lib/store ms', 'open ms', 'first query ms'], Object.entries(result).map(([k, r]) => [k, fmt(r.loadMs, 1), fmt(r.openMs, 1), fmt(r.firstQueryMs, 2)])));
  for (const [fn, r] of Object.entries(ratios)) console.log(`${fn}: require + open, current ÷ base, median of per-run ratios: ${fmt(r, 2)}×`);
  // keys: "current openStoreForReading", "current openStore" (and "base …" with --base-dist), each { loadMs, openMs, firstQueryMs };
  // "ratios": { openStoreForReading, openStore } (with --base-dist)
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ runs: opts.runs, loadAverage: load, results: result, ratios }, null, 2) + '\n');
}

main();
