// Issue 3's figure: `integralgit config <repo>` on a cold cache (first fetch of the
// integralgit branch) and a warm one, next to `git ls-remote` of the same remote, same run.
// Usage: npm run build && node bench/config-command.js [--runs N]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { serveGitHttp } = require('../dist/lib/demo/serve-git-http');

const run = promisify(execFile);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const BIN = path.resolve(__dirname, '../bin/integralgit.js');

async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-bench-config-'));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' };
  const git = (cwd, args, input) => execFileSync('git', args, { cwd, env, input }).toString().trim();
  const srv = path.join(root, 'srv');
  fs.mkdirSync(srv);
  const bare = path.join(srv, 'app.git');
  git(root, ['init', '-q', '--bare', '-b', 'master', bare]);
  const work = path.join(root, 'work');
  git(root, ['init', '-q', '-b', 'master', work]);
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(work, `f${i}.txt`), `file ${i}\n`.repeat(50));
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', 'content']);
  git(work, ['push', '-q', bare, 'master']);
  const config = { hostgroups: { web: ['web1', 'web2'] }, configs: { base: { location: '/srv/www/app', script: './deploy.sh' }, web: { env: { A: '1' } } } };
  const blob = git(work, ['hash-object', '-w', '--stdin'], JSON.stringify(config));
  const tree = git(work, ['mktree'], `100644 blob ${blob}\tconfig\n`);
  const commit = git(work, ['commit-tree', tree, '-m', 'config']);
  git(work, ['push', '-q', bare, `${commit}:refs/heads/integralgit`]);
  const server = await serveGitHttp({ projectRoot: srv });
  const url = `${server.url}/app.git`;
  const dataDir = path.join(root, 'data');
  const settings = path.join(root, 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ dataDir, hostname: 'web1', allowedRoots: ['/srv/www'], repos: { app: { url, secret: 'x' } } }));
  const cli = () => run(process.execPath, [BIN, '--settings', settings, 'config', 'app'], { env });
  const nodeStart = () => run(process.execPath, ['-e', '0']);
  const cold = [];
  const warm = [];
  const lsRemote = [];
  const bare0 = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    cold.push(await time(cli));
    warm.push(await time(cli));
    lsRemote.push(await time(() => run('git', ['ls-remote', url, 'refs/heads/integralgit'])));
    bare0.push(await time(nodeStart));
  }
  const m = { cold: median(cold), warm: median(warm), lsRemote: median(lsRemote), node: median(bare0) };
  console.log(`integralgit config <repo>, median of ${runs} runs (2 shared cores):`);
  console.log(`  cold cache (first fetch)   ${m.cold.toFixed(0)} ms   ${(m.cold / m.lsRemote).toFixed(1)}x git ls-remote`);
  console.log(`  warm cache                 ${m.warm.toFixed(0)} ms   ${(m.warm / m.lsRemote).toFixed(1)}x git ls-remote`);
  console.log(`  git ls-remote (baseline)   ${m.lsRemote.toFixed(0)} ms`);
  console.log(`  node -e 0 (process start)  ${m.node.toFixed(0)} ms`);
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
