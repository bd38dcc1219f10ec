'use strict';
// Preloaded (`node --require`) into a measured process: at exit it appends its own CPU
// time (µs resolution, unlike /proc ticks) and the number of CommonJS modules it loaded
// to the file named by IG_BENCH_USAGE_FILE, one JSON line per process.
const fs = require('node:fs');

const file = process.env.IG_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const modules = Object.keys(require.cache).length;
    fs.appendFileSync(file, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, modules, rssMb: process.memoryUsage.rss() / 2 ** 20 }) + '\n');
  });
}
