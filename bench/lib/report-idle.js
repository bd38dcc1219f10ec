'use strict';
// Preloaded (`node --require`) into a process measured at rest: once it has been idle for
// IG_BENCH_IDLE_MS it writes its RSS, heap and module count to IG_BENCH_USAGE_FILE.
const fs = require('node:fs');

const file = process.env.IG_BENCH_USAGE_FILE;
const idleMs = Number(process.env.IG_BENCH_IDLE_MS) || 3000;
if (file) {
  setTimeout(() => {
    const m = process.memoryUsage();
    // written aside and renamed: the reader polls for the file and must never see half of it
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, modules: Object.keys(require.cache).length }) + '\n');
    fs.renameSync(`${file}.tmp`, file);
  }, idleMs).unref();
}
