// The floors `npm test` enforces on the merged coverage (jest workers + every `integralgit`
// process the tests start). Raise them with the tests, never lower them to let a change in.
//
// Where they come from: the first whole-suite run with coverage (fresh clone, 7 December 2026,
// 152 suites, jest workers + 89 `integralgit` processes) measured 94.1 % lines and 89.1 %
// branches overall, lib/deploy 96.6 / 90.3. The global floors sit two to three points below,
// for the branches that depend on timing (a retry taken or not under load); the lib/deploy
// floors are the 90 / 80.
'use strict';
module.exports = {
  global: { lines: 92, branches: 86 },
  // the deploy core: the stages of a deployment's life reached by tests
  paths: { 'lib/deploy/': { lines: 90, branches: 80 } },
};
