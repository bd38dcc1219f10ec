'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');

/** Start git-server-child.js; resolves { url, pid, stop() } once it listens on 127.0.0.1. */
function startGitServer(projectRoot) {
  const child = spawn(process.execPath, [path.join(__dirname, 'git-server-child.js'), projectRoot], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the git HTTP server did not start within 15 s'));
    }, 15000);
    child.on('exit', (code) => reject(new Error(`the git HTTP server exited early (code ${code})`)));
    child.stdout.on('data', (c) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const stop = () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.stdin.end();
        });
      resolve({ url: out.slice(0, nl).trim(), pid: child.pid, stop, child });
    });
  });
}

module.exports = { startGitServer };
