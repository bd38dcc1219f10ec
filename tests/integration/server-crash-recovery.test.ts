import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { GitFixture, FixtureRepo, makeTempDir, git } from '../helpers/git-fixture';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';
import { openStore } from '../../lib/store';
import { startServeProcess, writeServeSettings } from '../helpers/serve-process';

const SECRET = 'crash-secret';


/** `integralgit serve` as a real process, so it can be killed with SIGKILL mid-queue. */
describe('kill -9 mid-queue, then restart', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let root: string;
  let settingsFile: string;
  let port: number;
  let location: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-crash-');
    location = path.join(root, 'deployments', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    repo = fx.createRepo('app', { 'README.md': 'x', 'deploy.sh': '#!/bin/sh\nsleep 0.3\necho ok\n' });
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

  const startServe = (): Promise<ChildProcess> => startServeProcess(['--settings', settingsFile], `http://127.0.0.1:${port}`);

  async function push(i: number): Promise<number> {
    const sha = repo.commit({ 'n.txt': String(i) }, `push ${i}`);
    const body = githubPushPayload({
      cloneUrl: repo.url,
      ref: 'refs/heads/master',
      before: '0'.repeat(40),
      after: sha,
      commits: [{ id: sha, message: `push ${i}`, authorName: 'A', authorEmail: 'a@e', timestamp: new Date().toISOString() }],
    });
    const res = await fetch(`http://127.0.0.1:${port}/update`, { method: 'POST', body, headers: githubHeaders(body, SECRET, 'push', `crash-${i}`) });
    return res.status;
  }

  it('every accepted push ends up deployed or recorded, and the last commit is deployed', async () => {
    child = await startServe();
    const accepted: number[] = [];
    for (let i = 0; i < 8; i++) if ((await push(i)) === 202) accepted.push(i);
    await new Promise((r) => setTimeout(r, 150)); // a deployment is running now
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(accepted).toHaveLength(8);

    child = await startServe();
    const store = openStore(path.join(root, 'data'));
    try {
      for (let i = 0; i < 300 && (store.queueDepth('app') > 0 || store.listJobs('app', ['running']).length > 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // every accepted delivery is stored, and its job is done (or coalesced into one that is)
      const events = store.listPushEvents('app', { limit: 100 }).items;
      for (const i of accepted) expect(events.some((e) => e.deliveryId === `crash-${i}`)).toBe(true);
      const jobs = store.listJobs('app');
      expect(jobs.every((j) => j.state === 'done' || j.state === 'coalesced')).toBe(true);
      expect(git(location, ['rev-parse', 'HEAD'])).toBe(repo.head('refs/heads/master'));
      const last = store.listDeployments('app', { limit: 1 }).items[0];
      expect(last.status).toBe('succeeded');
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
      child = undefined;
    }
  });

  it('SIGTERM lets the running deployment finish and keeps queued jobs for the next start', async () => {
    repo.commit({ 'deploy.sh': '#!/bin/sh\nsleep 2\necho ok\n' }, 'slow script');
    child = await startServe();
    const store = openStore(path.join(root, 'data'));
    try {
      expect(await push(100)).toBe(202);
      for (let i = 0; i < 100 && store.listJobs('app', ['running']).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const running = store.listJobs('app', ['running'])[0];
      expect(running).toBeDefined();
      // a push to another branch queues a job that must survive the stop
      repo.commit({ 'o.txt': 'x' }, 'other', 'other-branch');
      const body = githubPushPayload({ cloneUrl: repo.url, ref: 'refs/heads/other-branch', before: '0'.repeat(40), after: repo.head('refs/heads/other-branch'), commits: [] });
      const res = await fetch(`http://127.0.0.1:${port}/update`, { method: 'POST', body, headers: githubHeaders(body, SECRET, 'push', 'queued-at-stop') });
      expect(res.status).toBe(202);
      const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      child = undefined;
      const d = store.getDeployment(store.getJob(running.id)!.deploymentId!);
      expect(d?.status).toBe('succeeded');
      expect(store.listJobs('app', ['queued']).length).toBe(1);
    } finally {
      store.close();
    }
  });
});
