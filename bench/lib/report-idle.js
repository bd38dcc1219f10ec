'use strict';
// Preloaded (`node --require`) into a process measured at rest: once it has been idle for
// IG_BENCH_IDLE_MS it writes its RSS, heap and module count to IG_BENCH_USAGE_FILE.
const fs = require('node:fs');

const file = process.env.IG_BENCH_USAGE_FILE;
const idleMs = Number(process.env.IG_BENCH_IDLE_MS) || 3000;
if (file) {
  setTimeout(() => {
    const m = process.memoryUsage();
    // RSS also counts the pages of the node executable this process ran (shared with every
    // node process, clean, reclaimable); private memory is what this process alone costs
    let privateMb;
    try {
      const rollup = fs.readFileSync('/proc/self/smaps_rollup', 'utf8');
      privateMb = ['Private_Clean', 'Private_Dirty'].reduce((sum, k) => sum + Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0), 0) / 1024;
    } catch {
      privateMb = undefined; // not Linux
    }
    // written aside and renamed: the reader polls for the file and must never see half of it
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ rssMb: m.rss / 2 ** 20, privateMb, heapMb: m.heapUsed / 2 ** 20, modules: Object.keys(require.cache).length }) + '\n');
    fs.renameSync(`${file}.tmp`, file);
  }, idleMs).unref();
}
