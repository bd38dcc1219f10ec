'use strict';
const fs = require('node:fs');

/** A process's resident set size in MB (VmRSS), or undefined when it is gone or /proc cannot tell. */
function residentMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { residentMb };
