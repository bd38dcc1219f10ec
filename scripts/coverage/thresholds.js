// The floors `npm test` enforces on the merged coverage (jest workers + every `integralgit`
// process the tests start). Raise them with the tests, never lower them to let a change in.
//
// Where they come from (December 2026): a whole-suite run with coverage could not finish on
// the shared build machine (2 cores, load ~20: ~10 of 133 test files in 25 minutes), so the
// global floors stay at the earlier, unverified 70/55, now applied to the merged figure
// (which only adds what the subprocesses run). The lib/deploy floors sit below what 11 test
// files alone reach (the deploy stages, safe deployments, dry-run plans, releases, trust,
// health, the CLI and the stage decisions: 92.7 % lines, 86.6 % branches); the whole suite
// only adds lines, and leaves room for V8 counting more branches once every test runs.
// The target is lines 90 / branches 80 globally: after the first whole-suite run on a quiet
// machine, set the global floors to its figures rounded down.
'use strict';
module.exports = {
  global: { lines: 70, branches: 55 },
  // the deploy core: the stages of a deployment's life reached by tests
  paths: { 'lib/deploy/': { lines: 90, branches: 80 } },
};
