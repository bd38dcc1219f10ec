'use strict';
/*
 * All benchmarks, one after another, each in its own process, then one summary.
 *
 *   npm run bench                                  # all three, full length
 *   node bench/run-all.js push-latency crash-safety # only those (names first)
 *   node bench/run-all.js --quick                  # shortened runs (a smoke test, not figures)
 *   node bench/run-all.js --issue-16               # every figure issue 16 names, one run, one table
 *
 * Any other option is passed to every benchmark run (e.g. --tmp-dir /dev/shm).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { fmt, verdict, table } = require('./lib/stats');

const BENCHMARKS = {
  'webhook-ingestion': { quick: ['--duration', '5', '--warmup', '1'] },
  'push-latency': { quick: ['--pushes', '5'] },
  'crash-safety': { quick: ['--runs', '4'] },
};

/**
 * Issue 16's figures, each with the options that make it the issue's figure (the same
 * baseline, in the same run, in alternating rounds) and the goal it is held to. `rows`
 * turns the benchmark's JSON into [figure, value, goal, met]; `met` undefined = shown only.
 */
const ISSUE_16 = {
  'push-latency': {
    args: ['--pushes', '20'],
    quick: ['--pushes', '5'],
    rows: (j) => [
      ['push → script start ÷ git fetch && reset --hard && ./deploy.sh (median of per-push ratios)', j.medianOfRatios, '≤ 1.20', j.medianOfRatios <= 1.2],
      ['push → script start ÷ adnanh/webhook running those commands', j.medianOfRatiosToWebhook, 'shown', undefined],
      ['push → script start, IntegralGit median ms', j.integralgit && j.integralgit.medianMs, 'shown', undefined],
    ],
  },
  'backends-100k': {
    args: ['--rounds', '5'],
    quick: ['--files', '20000', '--rounds', '3'],
    rows: (j) => [['one-commit deploy at 100,000 files ÷ git fetch && reset --hard (median of rounds)', j.summary && j.summary.ratio, '≤ 1.05', j.summary && j.summary.ratio <= 1.05]],
  },
  'webhook-ingestion': {
    args: ['--group-commit', '--hold-worker', '--fresh-commits', '--rounds', '3', '--duration', '10'],
    quick: ['--group-commit', '--hold-worker', '--fresh-commits', '--duration', '5', '--warmup', '1'],
    rows: (j) => [
      ['intake req/s ÷ node:http + HMAC + SQLite group commit (worker held, fresh commits)', j.ratioToGroupCommit, '≥ 0.80', j.ratioToGroupCommit >= 0.8],
      ['intake server CPU per request ÷ the same baseline', j.cpuRatioToGroupCommit, 'shown', undefined],
      ['intake p99 ms', j.integralgit && j.integralgit.p99, '≤ 25', j.integralgit && j.integralgit.p99 <= 25],
    ],
  },
  'cli-startup': {
    args: ['--rounds', '15'],
    quick: ['--rounds', '3'],
    rows: (j) =>
      ['--help', 'status', 'config app'].map((c) => {
        const f = j.commands && j.commands[`current ${c}`];
        return [`CLI \`${c}\` CPU ÷ node -e 0 (median of rounds)`, f && f.ratio, '≤ 2.00', f && f.ratio <= 2];
      }),
  },
  'idle-memory': {
    args: ['--rounds', '5'],
    quick: ['--rounds', '2'],
    rows: (j) => [
      ['idle serve RSS ÷ a bare node kept alive (median of rounds)', j.serve && j.serve.rssRatioBareNode, '≤ 1.30', j.serve && j.serve.rssRatioBareNode <= 1.3],
      ['idle serve RSS ÷ a bare node:http server', j.serve && j.serve.rssRatioBareHttp, 'shown', undefined],
      ['idle serve RSS MB', j.serve && j.serve.rssMb, 'shown', undefined],
    ],
  },
  'crash-safety': {
    args: ['--runs', '10'],
    quick: ['--runs', '3'],
    rows: (j) => [
      ['crash safety: accepted pushes lost after kill -9', j.lost, '0', j.lost === 0],
      ['crash safety: PRAGMA integrity_check ok every run', j.integrityOk ? 1 : 0, '1', Boolean(j.integrityOk)],
    ],
  },
};

function main() {
  const args = process.argv.slice(2);
  // names first; everything from the first option on is for the benchmarks
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const names = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const quick = options.includes('--quick');
  const issue16 = options.includes('--issue-16');
  const passThrough = options.filter((a) => a !== '--quick' && a !== '--issue-16');
  const set = issue16 ? ISSUE_16 : BENCHMARKS;
  const unknownHere = names.filter((a) => !(a in set));
  if (unknownHere.length > 0) {
    console.error(`${unknownHere.join(', ')} is not in ${issue16 ? 'the issue-16 set' : 'the default set'}; choose from ${Object.keys(set).join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? names : Object.keys(set);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-bench-results-'));
  const results = {};
  const loads = {};
  let failed = 0;
  try {
    for (const name of chosen) {
      console.log(`\n=== ${name} ===`);
      const json = path.join(dir, `${name}.json`);
      const own = quick ? set[name].quick : set[name].args || [];
      const started = Date.now();
      const run = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...own, ...passThrough, '--json', json], {
        stdio: 'inherit',
      });
      if (run.status !== 0 || !fs.existsSync(json)) {
        console.error(`${name} failed (exit ${run.status ?? run.signal})`);
        failed++;
        continue;
      }
      results[name] = JSON.parse(fs.readFileSync(json, 'utf8'));
      loads[name] = { load: os.loadavg()[0], seconds: (Date.now() - started) / 1000 };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (issue16) failed += printIssue16(results, loads, chosen);
  else printSummary(results);
  return failed > 0 ? 1 : 0;
}

/** One table of every issue-16 figure; returns 0 (the run's exit code counts failures to run, not goals missed). */
function printIssue16(results, loads, chosen) {
  const rows = [];
  for (const name of chosen) {
    if (!results[name]) {
      rows.push([name, 'did not run', '', '', '']);
      continue;
    }
    for (const [figure, value, goal, met] of ISSUE_16[name].rows(results[name])) {
      rows.push([figure, typeof value === 'number' ? fmt(value, value >= 10 ? 1 : 2) : 'n/a', goal, met === undefined ? '' : verdict(Boolean(met)), `${fmt(loads[name].load, 1)} / ${fmt(loads[name].seconds, 0)} s`]);
    }
  }
  console.log(`\n=== issue 16: every figure, one run (${os.cpus().length} CPUs, ${new Date().toISOString()}) ===`);
  console.log(table(['figure', 'value', 'goal', 'met', 'load after / took'], rows));
  return 0;
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
