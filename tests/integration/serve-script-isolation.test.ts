import fs from 'node:fs';
import path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { GitFixture, FixtureRepo, makeTempDir } from '../helpers/git-fixture';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';
import { openStore, type Store } from '../../lib/store';
import { writeServeSettings } from '../helpers/serve-process';

const BIN = path.resolve(__dirname, '../../bin/integralgit.js');
const SECRET = 'isolation-webhook-secret-4711';
const ADMIN_PASSWORD = 'isolation-admin-password-0815';


const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * `integralgit serve` as a real process whose environment holds the secrets (as under
 * systemd with Environment=/EnvironmentFile=), running real deploy scripts.
 */
describe('the deploy script and the server process (SPEC §4.4, §8)', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let root: string;
  let settingsFile: string;
  let port: number;
  let child: ChildProcess | undefined;
  let store: Store;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-iso-');
    const location = path.join(root, 'deployments', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    repo = fx.createRepo('app', {
      'README.md': 'x',
      'deploy.sh': `#!/bin/sh\necho "parent env: $(tr '\\\\0' ' ' < /proc/$PPID/environ)"\necho "echoed: ${SECRET} and ${ADMIN_PASSWORD}"\n`,
    });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location, script: './deploy.sh', branch: 'master' } } });
    ({ file: settingsFile, port } = await writeServeSettings(root, {
      hostname: 'web1',
      allowedRoots: [path.join(root, 'deployments')],
      admin: { username: 'admin', passwordEnv: 'IG_TEST_ADMIN_PASSWORD' },
      repos: { app: { url: repo.url, secretEnv: 'IG_TEST_WEBHOOK_SECRET' } },
    }));
  });
  afterAll(async () => {
    store?.close();
    if (child) process.kill(-child.pid!, 'SIGKILL');
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** serve leads a process group of its own, so the test can kill it with everything it spawned except the script. */
  async function startServe(): Promise<ChildProcess> {
    const p = spawn(process.execPath, [BIN, '--settings', settingsFile, 'serve'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      env: { ...process.env, IG_TEST_WEBHOOK_SECRET: SECRET, IG_TEST_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    p.stderr?.resume();
    for (let i = 0; i < 400; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return p;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('serve did not come up');
  }

  async function push(id: string): Promise<void> {
    const sha = repo.head('refs/heads/master');
    const body = githubPushPayload({ cloneUrl: repo.url, ref: 'refs/heads/master', before: '0'.repeat(40), after: sha, commits: [] });
    const res = await fetch(`http://127.0.0.1:${port}/update`, { method: 'POST', body, headers: githubHeaders(body, SECRET, 'push', id) });
    expect(res.status).toBe(202);
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < 600 && (store.queueDepth('app') > 0 || store.listJobs('app', ['running']).length > 0); i++) await new Promise((r) => setTimeout(r, 50));
  }

  it('the script cannot read the secrets from its parent, and what it prints of them is masked everywhere', async () => {
    child = await startServe();
    store = openStore(path.join(root, 'data'));
    await push('iso-1');
    await settle();
    const d = store.listDeployments('app', { limit: 1 }).items[0];
    expect(d.status).toBe('succeeded');
    const log = store.getLog(d.id).map((c) => c.text).join('');
    expect(log).toContain('parent env:');
    expect(log).not.toContain('IG_TEST_WEBHOOK_SECRET'); // the parent's environment holds no secret at all
    expect(log).toContain('echoed: *** and ***');
    const page = await (await fetch(`http://127.0.0.1:${port}/app/deployments/${d.id}`)).text();
    const logFile = fs.readFileSync(path.join(root, 'data', 'integralgit.log'), 'utf8');
    for (const text of [log, page, logFile]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ADMIN_PASSWORD);
    }
  }, 60_000);

  it('a script left running by a server killed with -9 is ended before the retry, never alongside it', async () => {
    repo.commit({ 'deploy.sh': '#!/bin/sh\necho "start $$" >> ../runs\nsleep 4\necho "end $$" >> ../runs\n' }, 'slow');
    const runs = path.join(root, 'deployments', 'runs');
    await push('iso-2');
    for (let i = 0; i < 600 && !fs.existsSync(runs); i++) await new Promise((r) => setTimeout(r, 50));
    const first = Number(/start (\d+)/.exec(fs.readFileSync(runs, 'utf8'))![1]);
    // the server and every process of its group die; the script leads a group of its own
    process.kill(-child!.pid!, 'SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = await startServe();
    await settle();
    expect(alive(first)).toBe(false);
    const lines = fs.readFileSync(runs, 'utf8').trim().split('\n');
    expect(lines).toEqual([`start ${first}`, expect.stringMatching(/^start \d+$/), expect.stringMatching(/^end \d+$/)]);
    expect(lines[2]).not.toBe(`end ${first}`);
    expect(store.listDeployments('app', { limit: 1 }).items[0].status).toBe('succeeded');
    expect(fs.readdirSync(path.join(root, 'data', 'running-scripts'))).toEqual([]);
  }, 90_000);
});
