'use strict';
const fs = require('node:fs');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

/**
 * Peak memory of one operation, as the host sees it: this Node process plus the git
 * processes it spawns (the native backend's, or the baseline's).
 *
 * - Node: the kernel's own high-water mark. VmHWM is reset by writing 5 to
 *   /proc/self/clear_refs before the operation and read after it, so a peak between two
 *   samples is not missed. The RSS before the operation (after a full GC) is the baseline.
 * - git processes: a worker thread (so a busy event loop cannot delay it) walks this
 *   process's descendants every 20 ms through /proc/<pid>/task/<tid>/children and sums
 *   their VmHWM; the peak of that sum is reported. The git HTTP server runs in another
 *   process tree and is excluded. A git process living under 20 ms can be missed (they
 *   are the small ones: rev-parse, update-ref); one sampled once counts with its peak.
 */
const KB = 1024;

function readStatus(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

function field(status, name) {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status || '');
  return m ? Number(m[1]) * KB : 0;
}

function childrenOf(pid) {
  const out = [];
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      // the task ended meanwhile
    }
  }
  return out;
}

function workerMain() {
  const { mainPid } = workerData;
  let exclude = new Set();
  let timer = null;
  let peakChildren = 0;
  let peakNodeRss = 0;
  const seen = new Set();
  const sample = () => {
    const nodeRss = field(readStatus(mainPid), 'VmRSS');
    if (nodeRss > peakNodeRss) peakNodeRss = nodeRss;
    let sum = 0;
    const stack = childrenOf(mainPid).filter((p) => !exclude.has(p));
    while (stack.length > 0) {
      const pid = stack.pop();
      const status = readStatus(pid);
      // a child between fork and exec still maps Node's pages: not a git process yet
      if (!status || /^Name:\s+node/m.test(status)) continue;
      seen.add(pid);
      sum += field(status, 'VmHWM');
      stack.push(...childrenOf(pid));
    }
    if (sum > peakChildren) peakChildren = sum;
  };
  parentPort.on('message', (msg) => {
    if (msg.cmd === 'start') {
      exclude = new Set(msg.exclude);
      peakChildren = 0;
      peakNodeRss = 0;
      seen.clear();
      sample();
      timer = setInterval(sample, 20);
      parentPort.postMessage({ started: true });
    } else if (msg.cmd === 'stop') {
      clearInterval(timer);
      sample();
      parentPort.postMessage({ peakChildren, peakNodeRss, processes: seen.size });
    } else if (msg.cmd === 'exit') {
      clearInterval(timer);
      process.exit(0);
    }
  });
}

function resetNodePeak() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function createSampler() {
  const worker = new Worker(__filename, { workerData: { mainPid: process.pid } });
  worker.unref();
  const ask = (msg) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(msg);
    });
  return {
    /**
     * Run `fn` and measure it: { ms, nodeBytes (peak RSS added to this process),
     * childBytes (peak of the git processes' summed RSS), processes }.
     */
    async measure(fn, { exclude = [] } = {}) {
      if (global.gc) global.gc();
      const before = process.memoryUsage().rss;
      const exact = resetNodePeak();
      await ask({ cmd: 'start', exclude });
      const t0 = performance.now();
      const value = await fn();
      const ms = performance.now() - t0;
      const s = await ask({ cmd: 'stop' });
      const hwm = exact ? field(readStatus('self'), 'VmHWM') : 0;
      const nodePeak = Math.max(hwm, s.peakNodeRss);
      return { value, ms, nodeBytes: Math.max(0, nodePeak - before), childBytes: s.peakChildren, processes: s.processes };
    },
    close: () => worker.terminate(),
  };
}

if (!isMainThread && workerData && workerData.mainPid) workerMain();

module.exports = { createSampler };
