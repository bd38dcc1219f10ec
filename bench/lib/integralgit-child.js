'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { onCleanup } = require('./temp-root');

const BIN = path.join(__dirname, '..', '..', 'bin', 'integralgit.js');

/** A free TCP port on 127.0.0.1 (kept across restarts of the same server). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `node bin/integralgit.js serve --settings <file>` in its own process, so the load
 * generator never shares the server's event loop. Console output goes to a file (no pipe
 * for this process to drain); readiness is `GET /healthz` answering 200.
 */
async function startIntegralGit({ settingsFile, port, logFile, nodeArgs = [], env = {}, timeoutMs = 30_000, bin = BIN }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--settings', settingsFile], {
    stdio: ['ignore', out, out],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  fs.closeSync(out);
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const kill = () => {
    if (exited === null) child.kill('SIGKILL');
  };
  onCleanup(kill);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`integralgit serve exited (${JSON.stringify(exited)}) before listening:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill();
      throw new Error(`integralgit serve did not answer /healthz within ${timeoutMs} ms:\n${tail(logFile)}`);
    }
    await sleep(25);
  }
  return {
    url,
    pid: child.pid,
    child,
    exit,
    /** kill -9: no chance to finish anything (the crash test) */
    async crash() {
      kill();
      await exit;
    },
    /** SIGTERM: the graceful stop `serve` implements */
    async stop(graceMs = 30_000) {
      if (exited === null) child.kill('SIGTERM');
      const timer = sleep(graceMs).then(() => kill());
      await Promise.race([exit, timer]);
      kill();
      await exit;
    },
  };
}

function tail(file, bytes = 4000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no output)';
  }
}

/** Write the settings file a benchmark's server reads. */
function writeSettings(file, settings) {
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  return file;
}

module.exports = { startIntegralGit, freePort, writeSettings, tail };
