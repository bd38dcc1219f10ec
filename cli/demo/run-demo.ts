import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from '../../lib/log/logger';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { startServer, type RunningServer } from '../../server/start-server';
import { serveGitHttp, type GitHttpServer } from '../../lib/demo/serve-git-http';
import { githubHeaders, githubPushPayload } from '../../lib/demo/github-push';
import type { Deployment } from '../../lib/store';

const run = promisify(execFile);

export interface DemoOptions {
  port?: number;
  logger: Logger;
  say: (line: string) => void;
}

export interface RunningDemo {
  url: string;
  historyUrl: string;
  deployment: Deployment;
  location: string;
  close(): Promise<void>;
}

const DEPLOY_SH = `#!/bin/sh
# The demo's deploy script: runs in the working copy after every push.
set -e
echo "deploying $INTEGRALGIT_REPO at $INTEGRALGIT_COMMIT on $INTEGRALGIT_HOST"
echo "previous commit: \${INTEGRALGIT_PREVIOUS_COMMIT:-none}"
ls -1
echo "build finished" > build.log
`;

/**
 * The whole product on this machine with nothing to set up: a sample repository with an
 * `integralgit` branch served over local smart HTTP, the server on embedded settings, a
 * pushed commit and a signed GitHub webhook, then the deployment it caused.
 */
export async function runDemo(opts: DemoOptions): Promise<RunningDemo> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'integralgit-demo-')));
  const srv = path.join(root, 'git');
  const work = path.join(root, 'work');
  const deployRoot = path.join(root, 'deployments');
  const location = path.join(deployRoot, 'demo-app');
  fs.mkdirSync(srv);
  fs.mkdirSync(deployRoot);
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Demo Developer',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'Demo Developer',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = async (cwd: string, args: string[], input?: string): Promise<string> => {
    const p = run('git', args, { cwd, env });
    if (input !== undefined) p.child.stdin?.end(input);
    return (await p).stdout.trim();
  };
  let gitServer: GitHttpServer | undefined;
  let server: RunningServer | undefined;
  const cleanup = async (): Promise<void> => {
    await server?.close(5_000);
    await gitServer?.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    opts.say('1. creating a sample repository with an `integralgit` config branch');
    const bare = path.join(srv, 'demo-app.git');
    await git(root, ['init', '-q', '--bare', '-b', 'master', bare]);
    await git(root, ['init', '-q', '-b', 'master', work]);
    fs.writeFileSync(path.join(work, 'index.html'), '<h1>Hello from IntegralGit</h1>\n');
    fs.writeFileSync(path.join(work, 'deploy.sh'), DEPLOY_SH, { mode: 0o755 });
    fs.writeFileSync(path.join(work, '.gitignore'), 'build.log\n');
    await git(work, ['add', '-A']);
    await git(work, ['commit', '-q', '-m', 'Initial version of the demo app']);
    await git(work, ['push', '-q', bare, 'master']);
    const config = {
      '//': 'Written by `integralgit demo`: every host deploys master into the demo location',
      hostgroups: { web: ['demo-host'] },
      configs: {
        base: { location, script: './deploy.sh', branch: 'master' },
        web: { env: { GREETING: 'hello from the web group' } },
      },
    };
    const blob = await git(work, ['hash-object', '-w', '--stdin'], JSON.stringify(config, null, 2) + '\n');
    const tree = await git(work, ['mktree'], `100644 blob ${blob}\tconfig\n`);
    const cfgCommit = await git(work, ['commit-tree', tree, '-m', 'IntegralGit config']);
    await git(work, ['push', '-q', bare, `${cfgCommit}:refs/heads/integralgit`]);

    gitServer = await serveGitHttp({ projectRoot: srv });
    const url = `${gitServer.url}/demo-app.git`;
    opts.say(`   served over smart HTTP at ${url}`);

    opts.say('2. starting IntegralGit on embedded settings');
    const secret = crypto.randomBytes(16).toString('hex');
    const makeSettings = (port: number) =>
      settingsFromObject(
        {
          listen: { host: '127.0.0.1', port },
          dataDir: path.join(root, 'data'),
          hostname: 'demo-host',
          allowedRoots: [deployRoot],
          repos: { 'demo-app': { url, secret } },
        },
        { file: '<embedded demo settings>', baseDir: root, env: {} },
      );
    const wanted = opts.port ?? 8080;
    try {
      server = await startServer(makeSettings(wanted), opts.logger);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      opts.say(`   port ${wanted} is taken: using a free one`);
      server = await startServer(makeSettings(0), opts.logger);
    }
    opts.say(`   listening on ${server.url}`);

    opts.say('3. pushing a commit and sending a signed GitHub push webhook');
    fs.writeFileSync(path.join(work, 'index.html'), '<h1>Hello from IntegralGit</h1>\n<p>Deployed by a webhook.</p>\n');
    await git(work, ['commit', '-q', '-am', 'Say how this page got here']);
    await git(work, ['push', '-q', bare, 'master']);
    const after = await git(work, ['rev-parse', 'HEAD']);
    const before = await git(work, ['rev-parse', 'HEAD~1']);
    const body = githubPushPayload({
      cloneUrl: url,
      ref: 'refs/heads/master',
      before,
      after,
      commits: [{ id: after, message: 'Say how this page got here', authorName: 'Demo Developer', authorEmail: 'dev@example.com', timestamp: new Date().toISOString() }],
    });
    const res = await fetch(`${server.url}/update`, { method: 'POST', body, headers: githubHeaders(body, secret) });
    const answer = await res.text();
    opts.say(`   POST /update → ${res.status} ${answer}`);
    if (res.status !== 202) throw new Error(`the server refused the demo webhook: ${res.status} ${answer}`);

    opts.say('4. waiting for the deployment');
    const deployment = await waitForDeployment(server, 'demo-app', 60_000);
    opts.say(`   deployment #${deployment.id} ${deployment.status} at ${deployment.commit?.slice(0, 12)} in ${deployment.durationMs} ms${deployment.error ? `: ${deployment.error}` : ''}`);
    opts.say(`   working copy: ${location}`);
    const historyUrl = `${server.url}/demo-app`;
    return { url: server.url, historyUrl, deployment, location, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function waitForDeployment(server: RunningServer, repo: string, timeoutMs: number): Promise<Deployment> {
  const deadline = Date.now() + timeoutMs;
  const store = server.ctx.store;
  for (;;) {
    const d = store.listDeployments(repo, { limit: 1 }).items[0];
    if (d && d.status !== 'queued' && d.status !== 'running' && store.queueDepth(repo) === 0) return d;
    if (Date.now() > deadline) throw new Error('the demo deployment did not finish within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
}
