'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const { serveGitHttp } = require('../../dist/lib/demo/serve-git-http');

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench Author',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench Author',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

/** Synchronous git for setup steps that never talk to the HTTP server in this process. */
function gitSync(cwd, args, input) {
  return execFileSync('git', args, { cwd, env: GIT_ENV, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

/** Asynchronous git: required for anything fetching from the HTTP server this process runs. */
function gitAsync(cwd, args) {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

/**
 * A real repository for the benchmarks: a bare repo under `<root>/srv` served over smart HTTP
 * by `git http-backend` on 127.0.0.1 (the same server the demo and the tests use), a working
 * clone under `<root>/work` to commit from (pushes go to the bare path), and an `integralgit`
 * config branch.
 */
async function createServedRepo(root, { name = 'app', files = {}, config }) {
  const srv = path.join(root, 'srv');
  const work = path.join(root, 'work', name);
  const bare = path.join(srv, `${name}.git`);
  fs.mkdirSync(srv, { recursive: true });
  fs.mkdirSync(path.dirname(work), { recursive: true });
  gitSync(root, ['init', '-q', '--bare', '-b', 'master', bare]);
  gitSync(root, ['init', '-q', '-b', 'master', work]);
  gitSync(work, ['remote', 'add', 'origin', bare]);
  for (const [rel, content] of Object.entries({ 'README.md': `# ${name}\n`, ...files })) {
    const abs = path.join(work, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
  }
  gitSync(work, ['add', '-A']);
  gitSync(work, ['commit', '-q', '-m', 'initial commit']);
  gitSync(work, ['push', '-q', 'origin', 'HEAD:refs/heads/master']);
  const blob = gitSync(work, ['hash-object', '-w', '--stdin'], JSON.stringify(config, null, 2) + '\n');
  const tree = gitSync(work, ['mktree'], `100644 blob ${blob}\tconfig\n`);
  const cfg = gitSync(work, ['commit-tree', tree, '-m', 'IntegralGit config']);
  gitSync(work, ['push', '-q', 'origin', `${cfg}:refs/heads/integralgit`]);
  const http = await serveGitHttp({ projectRoot: srv });
  const url = `${http.url}/${name}.git`;
  return {
    name,
    bare,
    work,
    url,
    http,
    head: (ref = 'HEAD') => gitSync(work, ['rev-parse', ref]),
    /** one new commit on `branch` (a changed file), pushed to the bare repo; returns its sha */
    commit(branch = 'master', message = 'change') {
      const exists = gitSync(work, ['branch', '--list', branch]) !== '';
      gitSync(work, exists ? ['checkout', '-q', '-f', branch] : ['checkout', '-q', '-b', branch]);
      fs.writeFileSync(path.join(work, 'version.txt'), `${message} ${Date.now()} ${Math.random()}\n`);
      gitSync(work, ['add', '-A']);
      gitSync(work, ['commit', '-q', '-m', message]);
      gitSync(work, ['push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`]);
      return gitSync(work, ['rev-parse', 'HEAD']);
    },
    close: () => http.close(),
  };
}

module.exports = { GIT_ENV, gitSync, gitAsync, createServedRepo };
