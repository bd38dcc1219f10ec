#!/usr/bin/env node
// `npm run demo` (and friends) from a checkout: compile only when dist/ is missing or older
// than a source file, so a second run starts at once instead of spending ~15 s in tsc.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
// every build rewrites it, so its mtime is the time of the last build
const marker = path.join(root, 'dist', 'cli', 'main.js');
const sources = ['lib', 'server', 'cli'];
const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, e)));
  return max;
}

function builtAt() {
  try {
    return fs.statSync(marker).mtimeMs;
  } catch {
    return -1;
  }
}

const built = builtAt();
const source = Math.max(...sources.map((d) => newest(path.join(root, d))), ...configs.map((f) => newest(path.join(root, f))));
if (built >= source) process.exit(0);
process.stderr.write(built < 0 ? 'dist/ is missing: building (npm run build)\n' : 'sources changed since the last build: building (npm run build)\n');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
// the same second step as `npm run build`: the schemas compiled to standalone validators
execFileSync(process.execPath, [path.join(root, 'dist', 'lib', 'validation', 'write-standalone-validators.js')], { cwd: root, stdio: 'inherit' });
