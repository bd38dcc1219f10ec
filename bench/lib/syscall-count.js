'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { spawn } = require('node:child_process');

/**
 * Syscalls of a running process and all its threads (`strace -f -c -p`), from start() to
 * the returned stop(): { calls: { name: count }, errors: { name: count } }. strace slows
 * the traced process several times over, so a traced load measures counts, never speed.
 */
function countSyscalls(pid) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ig-strace-')), 'summary.txt');
  const child = spawn('strace', ['-f', '-c', '-q', '-o', out, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = new Promise((resolve) => child.once('error', resolve));
  return {
    // strace needs a moment to attach to every thread before the load starts
    ready: new Promise((resolve) => setTimeout(resolve, 300)),
    async stop() {
      child.kill('SIGINT');
      const err = await Promise.race([exited.then(() => null), failed]);
      if (err) throw new Error(`strace could not run: ${err.message}`);
      let text;
      try {
        text = fs.readFileSync(out, 'utf8');
      } catch {
        throw new Error(`strace wrote no summary (${stderr.trim() || 'no message'}): is ptrace allowed here?`);
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
      return parseSummary(text);
    },
  };
}

/** strace -c's table: `% time  seconds  usecs/call  calls  errors syscall`. */
function parseSummary(text) {
  const calls = {};
  const errors = {};
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^\d/.test(cols[0]) || cols[cols.length - 1] === 'total') continue;
    const name = cols[cols.length - 1];
    const hasErrors = cols.length === 6;
    calls[name] = Number(cols[3]);
    if (hasErrors) errors[name] = Number(cols[4]);
  }
  return { calls, errors };
}

/** /proc/<pid>/io: bytes handed to write calls (wchar), to the block layer (write_bytes), write syscalls (syscw). */
function ioCounters(pid) {
  try {
    const fields = Object.fromEntries(
      fs
        .readFileSync(`/proc/${pid}/io`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(':').map((s) => s.trim())),
    );
    return { wchar: Number(fields.wchar), writeBytes: Number(fields.write_bytes), syscw: Number(fields.syscw) };
  } catch {
    return { wchar: NaN, writeBytes: NaN, syscw: NaN };
  }
}

/** The difference of ioCounters between now and the returned function's call. */
function ioMeter(pid) {
  const a = ioCounters(pid);
  return () => {
    const b = ioCounters(pid);
    return { wchar: b.wchar - a.wchar, writeBytes: b.writeBytes - a.writeBytes, syscw: b.syscw - a.syscw };
  };
}

module.exports = { countSyscalls, parseSummary, ioMeter };
