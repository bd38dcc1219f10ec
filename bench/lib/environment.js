'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { percentile, fmt } = require('./stats');

/**
 * The conditions a run was measured in, printed with its figures: cores, load average
 * (the machine is shared) and how long a 4 KiB write + fdatasync takes in the directory
 * the databases live in (every durable webhook pays at least one).
 */
function describeEnvironment(dir, samples = 200) {
  const file = path.join(dir, `.fsync-probe-${process.pid}`);
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = process.hrtime.bigint();
      fs.writeSync(fd, block);
      fs.fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  const env = {
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
    fsyncP50Ms: percentile(times, 50),
    fsyncP99Ms: percentile(times, 99),
  };
  env.text = `${env.cpus} cores, Node ${env.node}, load average ${env.loadavg.join(' ')}, write+fdatasync in ${dir}: p50 ${fmt(env.fsyncP50Ms, 2)} ms, p99 ${fmt(env.fsyncP99Ms, 2)} ms`;
  return env;
}

module.exports = { describeEnvironment };
