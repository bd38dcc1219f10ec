#!/usr/bin/env node
// `npm test`: the whole jest suite, then the coverage gate over what the tests ran, both in the
// jest workers (jest's V8 coverage) and in the `integralgit` processes the tests start (Node's
// NODE_V8_COVERAGE, mapped from dist/ back to the sources). See docs/architecture.md, "Testing
// and coverage". Extra arguments go to jest; the gate applies to any run, so a partial run
// (`npx jest tests/unit/x.test.ts`) is the way to iterate, not `npm test -- ...`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const libCoverage = require('istanbul-lib-coverage');
const libReport = require('istanbul-lib-report');
const reports = require('istanbul-reports');
const { subprocessCoverage, untestedCoverage } = require('./coverage/subprocess-coverage');
const { checkThresholds, summarize } = require('./coverage/check-thresholds');
const thresholds = require('./coverage/thresholds');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'coverage');
const rawDir = path.join(outDir, 'v8-raw');
const jestDir = path.join(outDir, 'jest');
const counted = /^(lib|server|cli)\/.*\.ts$/;

function relative(file) {
  return path.relative(root, file).split(path.sep).join('/');
}

function folderTable(files) {
  const folders = new Set(['lib', 'server', 'cli']);
  for (const f of Object.keys(files)) if (f.startsWith('lib/') && f.split('/').length > 2) folders.add(f.split('/').slice(0, 2).join('/'));
  const rows = [['', 'lines %', 'branches %', 'functions %']];
  const add = (label, s) => rows.push([label, s.lines.pct.toFixed(1), s.branches.pct.toFixed(1), s.functions.pct.toFixed(1)]);
  add('all', summarize(files, ''));
  for (const folder of [...folders].sort()) add(folder, summarize(files, folder + '/'));
  return rows.map((r) => r[0].padEnd(22) + r.slice(1).map((c) => c.padStart(12)).join('')).join('\n');
}

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(rawDir, { recursive: true });
  // processes the tests start under another uid (runAs) write here too
  fs.chmodSync(rawDir, 0o1777);

  const jest = spawnSync(
    process.execPath,
    // the caller's arguments first: jest's array options (coverageReporters) swallow the
    // positional arguments that follow them
    [require.resolve('jest/bin/jest'), ...process.argv.slice(2), '--coverage', `--coverageDirectory=${jestDir}`, '--coverageReporters=json'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_V8_COVERAGE: rawDir } },
  );
  if (jest.status !== 0) {
    console.error(`\njest failed (exit ${jest.status ?? jest.signal}): coverage not checked`);
    return jest.status || 1;
  }

  const map = libCoverage.createCoverageMap(JSON.parse(fs.readFileSync(path.join(jestDir, 'coverage-final.json'), 'utf8')));
  const keep = (p) => counted.test(relative(p));
  map.filter(keep);
  const sub = await subprocessCoverage(rawDir, root, keep);
  map.merge(sub.data);
  map.merge(await untestedCoverage(root, keep, new Set(map.files())));
  fs.rmSync(rawDir, { recursive: true, force: true });

  const context = libReport.createContext({ dir: outDir, coverageMap: map });
  for (const name of ['json', 'json-summary', 'html']) reports.create(name).execute(context);

  const files = {};
  for (const file of map.files()) files[relative(file)] = map.fileCoverageFor(file).toSummary().toJSON();
  console.log(`\ncoverage: jest workers + ${sub.processes} integralgit processes (report: coverage/index.html)\n`);
  console.log(folderTable(files));
  const failures = checkThresholds(files, thresholds);
  if (failures.length > 0) {
    console.error('\ncoverage gate failed (floors in scripts/coverage/thresholds.js):\n  ' + failures.join('\n  '));
    return 1;
  }
  console.log('\ncoverage gate passed');
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
