import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { openStore } from '../../lib/store';
import { GitFixture, makeTempDir, type FixtureRepo } from '../helpers/git-fixture';
import { FakeOutcomeApi } from '../helpers/fake-outcome-api';
import { runCli } from '../helpers/run-cli';
import { startServeProcess, writeServeSettings } from '../helpers/serve-process';

const TOKEN = 'restart-status-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/**
 * The binary as users run it: `integralgit trigger` writes the outcome messages and tries
 * them before it exits; a target that is down leaves them pending in SQLite; `serve` picks
 * them up, is killed mid-retry, and the next `serve` delivers them (SPEC §9).
 */
describe('the outbox survives processes: trigger, then serve restarted mid-retry', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let root: string;
  let settingsFile: string;
  let port: number;
  let statusApi: FakeOutcomeApi;
  let hook: FakeOutcomeApi;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fx = await GitFixture.create();
    statusApi = await FakeOutcomeApi.start({ provider: 'github', token: TOKEN });
    hook = await FakeOutcomeApi.start();
    root = makeTempDir('ig-outbox-restart-');
    const location = path.join(root, 'deployments', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    repo = fx.createRepo('acme/app', { 'README.md': 'x', 'deploy.sh': '#!/bin/sh\necho ok\n' });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location, script: './deploy.sh', branch: 'master' } } });
    ({ file: settingsFile, port } = await writeServeSettings(root, {
      hostname: 'web1',
      allowedRoots: [path.join(root, 'deployments')],
      publicUrl: 'https://deploy.example.com',
      repos: { app: { url: repo.url, secret: 's3cret', commitStatus: { provider: 'github', apiUrl: statusApi.url, tokenEnv: 'IG_TEST_STATUS_TOKEN' } } },
      notify: [{ type: 'webhook', name: 'ops', url: `${hook.url}/hook`, secret: 'k', on: ['started', 'succeeded'] }],
    }));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await statusApi.close();
    await hook.close();
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const startServe = (): Promise<ChildProcess> => startServeProcess(['--settings', settingsFile], `http://127.0.0.1:${port}`, { IG_TEST_STATUS_TOKEN: TOKEN });

  const outbox = () => {
    const store = openStore(path.join(root, 'data'));
    try {
      const d = store.listDeployments('app', { limit: 1 }).items[0];
      return { deployment: d, rows: store.outboxOfDeployment(d.id) };
    } finally {
      store.close();
    }
  };

  it('delivers what trigger wrote once the target is back, across a killed server', async () => {
    statusApi.mode = 'fail';
    hook.mode = 'fail';
    const trig = await runCli(['--settings', settingsFile, 'trigger', 'app'], { env: { IG_TEST_STATUS_TOKEN: TOKEN }, timeoutMs: 60_000 });
    expect(trig.code).toBe(0);
    const afterTrigger = outbox();
    expect(afterTrigger.deployment).toMatchObject({ trigger: 'cli', status: 'succeeded' });
    expect(afterTrigger.rows.map((r) => `${r.kind}:${r.event}:${r.status}`)).toEqual(['notify:started:pending', 'commit-status:started:pending', 'commit-status:succeeded:pending', 'notify:succeeded:pending']);
    expect(statusApi.received.length).toBeGreaterThan(0); // the CLI tried before exiting

    child = await startServe();
    const tried = statusApi.received.length;
    for (let i = 0; i < 300 && statusApi.received.length === tried; i++) await sleep(100);
    expect(statusApi.received.length).toBeGreaterThan(tried); // serve retried, still failing
    await sleep(300); // the attempt is recorded; the server is now waiting out the back-off
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    statusApi.mode = 'ok';
    hook.mode = 'ok';
    child = await startServe();
    let rows = outbox().rows;
    for (let i = 0; i < 1500 && rows.some((r) => r.status !== 'sent'); i++) {
      await sleep(100);
      rows = outbox().rows;
    }
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    // each lane's first message failed under trigger and the first serve, then went through
    expect(rows.filter((r) => r.event === 'started').every((r) => r.attempts >= 2)).toBe(true);

    // the same messages a webhook deployment sends: pending then success, in the documented format
    const delivered = statusApi.received.filter((r) => r.problems.length === 0 && r.at >= 0);
    const sha = afterTrigger.deployment.commit as string;
    const states = [...new Set(delivered.map((r) => String(r.body.state)))];
    expect(states).toEqual(['pending', 'success']);
    for (const r of delivered) expect(r.path).toBe(`/repos/acme/app/statuses/${sha}`);
    const events = hook.received.map((r) => `${r.headers['x-integralgit-event']}:${String(r.body.repo)}:${String(r.body.commit === sha || r.body.commit === null)}`);
    expect(new Set(events)).toEqual(new Set(['started:app:true', 'succeeded:app:true']));
  }, 180_000);
});
