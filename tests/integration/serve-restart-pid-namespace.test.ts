import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { GitFixture, FixtureRepo, makeTempDir, git } from '../helpers/git-fixture';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';
import { openStore } from '../../lib/store';
import { writeServeSettings } from '../helpers/serve-process';

const BIN = path.resolve(__dirname, '../../bin/integralgit.js');
const SECRET = 'pidns-secret';

/** A container restarts its server as the same pid: `unshare -p` gives us that on any Linux where we may create a PID namespace. */
const canUnshare = spawnSync('unshare', ['-pf', '--mount-proc', '--kill-child', 'true']).status === 0;
const maybe = canUnshare ? describe : describe.skip;


maybe('kill -9 of a server that restarts with the same pid (PID namespace)', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let root: string;
  let settingsFile: string;
  let port: number;
  let location: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-pidns-');
    location = path.join(root, 'deployments', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    repo = fx.createRepo('app', { 'README.md': 'x', 'deploy.sh': '#!/bin/sh\ndate +%s%N >> ../started\nsleep 3\necho ok\n' });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location, script: './deploy.sh', branch: 'master' } } });
    ({ file: settingsFile, port } = await writeServeSettings(root, {
      hostname: 'web1',
      allowedRoots: [path.join(root, 'deployments')],
      repos: { app: { url: repo.url, secret: SECRET } },
    }));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Starts serve as pid 1 of a fresh PID namespace; resolves with the time until /healthz answers. */
  async function startServe(): Promise<{ p: ChildProcess; readyMs: number; stderr: () => string }> {
    const t0 = Date.now();
    const p = spawn('unshare', ['-pf', '--mount-proc', '--kill-child', process.execPath, BIN, '--settings', settingsFile, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    let exited = false;
    p.once('exit', () => (exited = true));
    for (let i = 0; i < 300 && !exited; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.ok) return { p, readyMs: Date.now() - t0, stderr: () => err };
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    p.kill('SIGKILL');
    throw new Error(`serve did not come up: ${err}`);
  }

  /** The host pid of the namespace's pid 1 (the node server), a child of unshare. */
  function serverPid(unsharePid: number): number {
    const children = fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(' ');
    return Number(children[0]);
  }

  it('starts again at once, and the retried deployment takes the working-copy lock', async () => {
    const first = await startServe();
    child = first.p;
    const sha = repo.head('refs/heads/master');
    const body = githubPushPayload({ cloneUrl: repo.url, ref: 'refs/heads/master', before: '0'.repeat(40), after: sha, commits: [] });
    const res = await fetch(`http://127.0.0.1:${port}/update`, { method: 'POST', body, headers: githubHeaders(body, SECRET, 'push', 'pidns-1') });
    expect(res.status).toBe(202);
    const store = openStore(path.join(root, 'data'));
    try {
      // the script is running: the server holds its data-dir lock and the working-copy lock as pid 1
      const started = path.join(root, 'deployments', 'started');
      for (let i = 0; i < 600 && !fs.existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(path.join(root, 'deployments', '.app.integralgit-lock'))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(root, 'data', 'serve.lock'), 'utf8')).pid).toBe(1);
      process.kill(serverPid(first.p.pid!), 'SIGKILL');
      await new Promise((r) => first.p.once('exit', r));

      const second = await startServe();
      child = second.p;
      process.stdout.write(`restart after kill -9 in a PID namespace: ${second.readyMs} ms to /healthz\n`);
      expect(second.readyMs).toBeLessThan(10_000);
      for (let i = 0; i < 400 && (store.queueDepth('app') > 0 || store.listJobs('app', ['running']).length > 0); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const last = store.listDeployments('app', { limit: 1 }).items[0];
      expect(last.status).toBe('succeeded');
      expect(git(location, ['rev-parse', 'HEAD'])).toBe(sha);
    } finally {
      store.close();
      child?.kill('SIGKILL');
      if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
      child = undefined;
    }
  }, 60_000);
});
