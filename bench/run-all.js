'use strict';
/*
 * All benchmarks, one after another, each in its own process, then one summary.
 *
 *   npm run bench                                  # all three, full length
 *   node bench/run-all.js push-latency crash-safety # only those (names first)
 *   node bench/run-all.js --quick                  # shortened runs (a smoke test, not figures)
 *
 * Any other option is passed to every benchmark run (e.g. --tmp-dir /dev/shm).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { fmt, verdict } = require('./lib/stats');

const BENCHMARKS = {
  'webhook-ingestion': { quick: ['--duration', '5', '--warmup', '1'] },
  'push-latency': { quick: ['--pushes', '5'] },
  'crash-safety': { quick: ['--runs', '4'] },
};

function main() {
  const args = process.argv.slice(2);
  // names first; everything from the first option on is for the benchmarks
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const names = firstOption < 0 ? args : args.slice(0, firstOption);
  const unknown = names.filter((a) => !(a in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const quick = options.includes('--quick');
  const passThrough = options.filter((a) => a !== '--quick');
  const chosen = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-bench-results-'));
  const results = {};
  let failed = 0;
  try {
    for (const name of chosen) {
      console.log(`\n=== ${name} ===`);
      const json = path.join(dir, `${name}.json`);
      const run = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...(quick ? BENCHMARKS[name].quick : []), ...passThrough, '--json', json], {
        stdio: 'inherit',
      });
      if (run.status !== 0 || !fs.existsSync(json)) {
        console.error(`${name} failed (exit ${run.status ?? run.signal})`);
        failed++;
        continue;
      }
      results[name] = JSON.parse(fs.readFileSync(json, 'utf8'));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printSummary(results);
  return failed > 0 ? 1 : 0;
}

function printSummary(r) {
  console.log('\n=== summary ===');
  const w = r['webhook-ingestion'];
  if (w) {
    console.log(
      `webhook ingestion: IntegralGit ${fmt(w.integralgit.rps, 0)} req/s (p50 ${fmt(w.integralgit.p50, 1)} ms, p99 ${fmt(w.integralgit.p99, 1)} ms), ` +
        `baseline ${fmt(w.baseline.rps, 0)} req/s (p50 ${fmt(w.baseline.p50, 1)} ms, p99 ${fmt(w.baseline.p99, 1)} ms); ` +
        `ratio ${fmt(w.ratio, 2)} (>= 0.80 ${verdict(w.ratio >= 0.8)}), p99 <= 25 ms ${verdict(w.integralgit.p99 <= 25)}`,
    );
  }
  const l = r['push-latency'];
  if (l) {
    console.log(
      `push-to-script-start: IntegralGit median ${fmt(l.integralgit.medianMs, 1)} ms (p90 ${fmt(l.integralgit.p90Ms, 1)}), ` +
        `git fetch + reset --hard median ${fmt(l.baseline.medianMs, 1)} ms; ratio ${fmt(l.ratio, 2)} (<= 1.50 ${verdict(l.ratio <= 1.5)})`,
    );
  }
  const c = r['crash-safety'];
  if (c) {
    console.log(
      `crash safety: ${c.runs} runs, ${c.accepted} pushes accepted, ${c.lost} lost (target 0 ${verdict(c.lost === 0)}), ` +
        `integrity_check ${c.integrityOk ? 'ok every time' : 'FAILED'} ${verdict(c.integrityOk)}`,
    );
  }
}

process.exitCode = main();
