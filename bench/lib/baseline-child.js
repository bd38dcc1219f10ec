'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');
const { onCleanup } = require('./temp-root');

const SCRIPT = path.join(__dirname, '..', 'baseline-ingest-server.js');

/** The baseline receiver in its own process, like the IntegralGit server it is compared with. */
function startBaseline({ dataDir, secret, repo = 'app', groupCommit = false }) {
  const child = spawn(process.execPath, [SCRIPT, '--port', '0', '--data-dir', dataDir, '--secret', secret, '--repo', repo, ...(groupCommit ? ['--group-commit'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', () => resolve((exited = true))));
  onCleanup(() => {
    if (!exited) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        pid: child.pid,
        async stop() {
          if (!exited) child.kill('SIGTERM');
          await exit;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`the baseline server exited with code ${code} before listening`)));
  });
}

module.exports = { startBaseline };
