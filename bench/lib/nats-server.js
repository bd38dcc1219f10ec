'use strict';
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { onCleanup } = require('./temp-root');

/** `nats-server -js` on 127.0.0.1:<port>, JetStream store in `storeDir`; resolves once it says it is ready. */
async function startNatsServer({ port, storeDir, timeoutMs = 10_000 }) {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('Server is ready')) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) throw new Error(`nats-server did not start: ${output}`);
    await sleep(25);
  }
  return { url: `nats://127.0.0.1:${port}`, pid: child.pid, child, stop: () => child.kill('SIGTERM') };
}

module.exports = { startNatsServer };
