// The CLI tests run the built binary (bin/integralgit.js → dist/). `npm test` builds first
// (pretest); a direct `npx jest` builds here when dist/ is missing or older than the sources.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  const main = path.join(root, 'dist/cli/main.js');
  const sources = Math.max(...['lib', 'server', 'cli'].map((d) => newestMtime(path.join(root, d))));
  if (!fs.existsSync(main) || fs.statSync(main).mtimeMs < sources) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
};
