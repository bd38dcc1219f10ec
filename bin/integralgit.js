#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript under dist/ (`npm run build`).
// `serve` starts with V8's optimizing compiler off and its young generation held small, before
// any module loads (dist/lib/process/lean-start-up.js says why); cli/main.ts gives any
// other command V8's defaults back at once, and serve does once it listens.
if (process.argv.includes('serve')) require('../dist/lib/process/lean-start-up.js').holdLeanStartUp();
require('../dist/cli/main.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`integralgit: ${err && err.message ? err.message : err}`); process.exitCode = 2; },
);
