'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cleanups = [];
let hooked = false;

/**
 * A fresh temp directory, removed at exit (normal end, error or Ctrl-C) together with the
 * child processes registered with `onCleanup`, so an interrupted run leaves nothing behind.
 */
function makeTempRoot(prefix, { keep = false, base = os.tmpdir() } = {}) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(base, prefix)));
  if (keep) onCleanup(() => console.error(`kept ${dir} (--keep)`));
  else onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Register a synchronous cleanup step; they run newest first. */
function onCleanup(fn) {
  cleanups.push(fn);
  if (hooked) return;
  hooked = true;
  process.on('exit', runCleanups);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      runCleanups();
      process.exit(130);
    });
  }
}

function runCleanups() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      fn();
    } catch {
      // best effort: the rest still run
    }
  }
}

module.exports = { makeTempRoot, onCleanup, runCleanups };
