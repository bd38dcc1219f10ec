'use strict';
const fs = require('node:fs');

// /proc/<pid>/stat counts in clock ticks; 100 per second on Linux in practice.
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by a process (user + system), or NaN off Linux. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], [12] = utime, stime; [13], [14] = cutime, cstime (reaped children)
    const own = Number(fields[11]) + Number(fields[12]);
    const children = Number(fields[13]) + Number(fields[14]);
    return { own: own / TICKS_PER_SECOND, children: children / TICKS_PER_SECOND, sys: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return { own: NaN, children: NaN, sys: NaN };
  }
}

/** Share of one core a process used between two samples, in percent. */
function cpuMeter(pid) {
  const t0 = process.hrtime.bigint();
  const c0 = pid === process.pid ? ownUsage() : cpuSeconds(pid);
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const c1 = pid === process.pid ? ownUsage() : cpuSeconds(pid);
    return { own: (100 * (c1.own - c0.own)) / seconds, children: (100 * (c1.children - c0.children)) / seconds, sys: (100 * (c1.sys - c0.sys)) / seconds };
  };
}

function ownUsage() {
  const u = process.cpuUsage();
  return { own: (u.user + u.system) / 1e6, children: 0, sys: u.system / 1e6 };
}

module.exports = { cpuSeconds, cpuMeter };
