'use strict';
const fs = require('node:fs');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

/**
 * Peak memory of one operation, as the host sees it: this Node process plus the processes
 * it spawns for the operation.
 *
 * - Node: the kernel's own high-water mark. VmHWM is reset by writing 5 to
 *   /proc/self/clear_refs before the operation and read after it, so a peak between two
 *   samples is not missed. The RSS before the operation (after a full GC) is the baseline.
 * - Child processes: a worker thread (so a busy event loop cannot delay it) walks this
 *   process's descendants every 20 ms through /proc/<pid>/task/<tid>/children. git
 *   processes (anything that is not node) count with their VmHWM, summed over those alive
 *   at once; the peak of that sum is reported. A long-lived node child (the native
 *   backend's spawn helper) is reported apart: its VmHWM (reset at the start where the
 *   kernel allows) and its RssAnon, the private part (its RssFile is the node binary,
 *   shared with this process through the page cache). The git HTTP server runs in another
 *   process tree and is excluded. A git process living under 20 ms can be missed (they are
 *   the small ones: rev-parse, update-ref); one sampled once counts with its peak.
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

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return null;
  }
}

function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function workerMain() {
  const { mainPid } = workerData;
  const ownCmdline = cmdline(mainPid);
  let exclude = new Set();
  let timer = null;
  let peakGit = 0;
  let peakHelper = 0;
  let peakHelperAnon = 0;
  let peakNodeRss = 0;
  const seen = new Set();
  /** Descendants of this process, less the excluded trees and forks that have not exec'd yet. */
  const descendants = () => {
    const out = [];
    const stack = childrenOf(mainPid).filter((p) => !exclude.has(p));
    while (stack.length > 0) {
      const pid = stack.pop();
      stack.push(...childrenOf(pid));
      const status = readStatus(pid);
      // between fork and exec a child is a copy of this process: not a git process yet
      if (!status || cmdline(pid) === ownCmdline) continue;
      out.push({ pid, status, node: /^Name:\s+node/m.test(status) });
    }
    return out;
  };
  const sample = () => {
    const nodeRss = field(readStatus(mainPid), 'VmRSS');
    if (nodeRss > peakNodeRss) peakNodeRss = nodeRss;
    let git = 0;
    let helper = 0;
    let helperAnon = 0;
    for (const p of descendants()) {
      seen.add(p.pid);
      if (p.node) {
        helper += field(p.status, 'VmHWM');
        helperAnon += field(p.status, 'RssAnon');
      } else git += field(p.status, 'VmHWM');
    }
    peakGit = Math.max(peakGit, git);
    peakHelper = Math.max(peakHelper, helper);
    peakHelperAnon = Math.max(peakHelperAnon, helperAnon);
  };
  parentPort.on('message', (msg) => {
    if (msg.cmd === 'start') {
      exclude = new Set(msg.exclude);
      peakGit = 0;
      peakHelper = 0;
      peakHelperAnon = 0;
      peakNodeRss = 0;
      seen.clear();
      for (const p of descendants()) resetPeak(p.pid);
      sample();
      timer = setInterval(sample, 20);
      parentPort.postMessage({ started: true });
    } else if (msg.cmd === 'stop') {
      clearInterval(timer);
      sample();
      parentPort.postMessage({ peakGit, peakHelper, peakHelperAnon, peakNodeRss, processes: seen.size });
    } else if (msg.cmd === 'exit') {
      clearInterval(timer);
      process.exit(0);
    }
  });
}

function resetNodePeak() {
  return resetPeak('self');
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
     * Run `fn` and measure it: { ms, nodeBytes (peak RSS added to this process), childBytes
     * (peak of the git processes' summed RSS), helperBytes and helperAnonBytes (peak RSS and
     * private RSS of long-lived node children), processes }.
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
      return {
        value,
        ms,
        nodeBytes: Math.max(0, nodePeak - before),
        childBytes: s.peakGit,
        helperBytes: s.peakHelper,
        helperAnonBytes: s.peakHelperAnon,
        processes: s.processes,
      };
    },
    close: () => worker.terminate(),
  };
}

if (!isMainThread && workerData && workerData.mainPid) workerMain();

module.exports = { createSampler };
