import { ServerHarness } from '../helpers/server-harness';
import { FakeOutcomeApi } from '../helpers/fake-outcome-api';

const TOKEN = 'status-token-abcdef';
const HOOK_SECRET = 'hook-secret-123';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Notification {
  target: string;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

/**
 * The real server, a real repository over smart HTTP, a GitHub status API and a webhook
 * receiver on 127.0.0.1 checking the documented formats: SPEC §9 end to end.
 */
describe('deployment outcomes leave the host (real server)', () => {
  let h: ServerHarness;
  let statusApi: FakeOutcomeApi;
  let hook: FakeOutcomeApi;

  beforeAll(async () => {
    statusApi = await FakeOutcomeApi.start({ provider: 'github', prefix: '/api/v3', token: TOKEN });
    hook = await FakeOutcomeApi.start();
    h = await ServerHarness.start({
      repoPath: 'acme/app',
      files: { 'deploy.sh': '#!/bin/sh\nif [ -f fail.flag ]; then echo "boom" >&2; exit 3; fi\necho deployed\n' },
      repo: { commitStatus: { provider: 'github', apiUrl: statusApi.url, token: TOKEN } },
      settings: {
        publicUrl: 'https://deploy.example.com/ig',
        notify: [{ type: 'webhook', name: 'ops', url: `${hook.url}/hook`, secret: HOOK_SECRET, on: ['started', 'succeeded', 'failed', 'recovered'] }],
      },
      // 3 s per attempt: with 1 s a loaded CI machine answered a status POST late, it was
      // resent (at-least-once, in order) and the exact-sequence checks below saw it twice
      serverOptions: { outbox: { pollMs: 100, attemptTimeoutMs: 3_000, retry: { baseDelayMs: 200, maxDelayMs: 500 } } },
    });
  });
  afterAll(async () => {
    await h.close();
    await statusApi.close();
    await hook.close();
  });

  const lastDeployment = () => h.store.listDeployments('app', { limit: 1 }).items[0];
  async function notifications(id: number): Promise<Notification[]> {
    const res = await h.get(`/api/repos/app/deployments/${id}`);
    expect(res.status).toBe(200);
    return (JSON.parse(res.text) as { notifications: Notification[] }).notifications;
  }
  async function settled(id: number, count: number): Promise<Notification[]> {
    for (let i = 0; i < 200; i++) {
      const n = await notifications(id);
      if (n.length >= count && n.every((x) => x.status !== 'pending')) return n;
      await sleep(100);
    }
    throw new Error(`notifications of deployment ${id} did not settle: ${JSON.stringify(await notifications(id))}`);
  }
  async function push(files: Record<string, string | null>, message: string) {
    const sha = h.repo.commit(files, message);
    await h.pushWebhook('master');
    await h.idle();
    return sha;
  }

  it('a deployment posts pending then success on its commit, and notifies with the commits deployed', async () => {
    const sha = await push({ 'a.txt': 'one' }, 'Add a');
    const d = lastDeployment();
    expect(d).toMatchObject({ status: 'succeeded', commit: sha });
    const n = await settled(d.id, 4);
    expect(n.map((x) => `${x.target}:${x.event}:${x.status}`).sort()).toEqual(['commit-status:started:sent', 'commit-status:succeeded:sent', 'ops:started:sent', 'ops:succeeded:sent']);
    const statuses = statusApi.received;
    expect(statuses.map((r) => r.problems)).toEqual([[], []]);
    expect(statuses.map((r) => r.body.state)).toEqual(['pending', 'success']);
    for (const r of statuses) {
      expect(r.path).toBe(`/repos/acme/app/statuses/${sha}`);
      expect(r.body).toMatchObject({ context: 'integralgit/web1', target_url: `https://deploy.example.com/ig/app/deployments/${d.id}` });
    }
    const succeeded = hook.received.find((r) => r.headers['x-integralgit-event'] === 'succeeded');
    expect(succeeded?.body).toMatchObject({ event: 'succeeded', repo: 'app', host: 'web1', commit: sha, status: 'succeeded', url: `https://deploy.example.com/ig/app/deployments/${d.id}` });
    expect(succeeded?.body.commits).toEqual([{ id: sha, message: 'Add a', author: expect.any(String) }]);
  });

  it('failures are told once, then recovered; the git host sees failure, failure, success', async () => {
    statusApi.received.length = 0;
    hook.received.length = 0;
    const f1 = await push({ 'fail.flag': 'x' }, 'Break it');
    await settled(lastDeployment().id, 4);
    await push({ 'b.txt': 'still broken' }, 'Still broken');
    const second = lastDeployment();
    expect(second.status).toBe('failed');
    await settled(second.id, 3);
    await push({ 'fail.flag': null }, 'Fix it');
    await settled(lastDeployment().id, 4);
    const finals = statusApi.received.filter((r) => r.body.state !== 'pending');
    expect(finals.map((r) => r.body.state)).toEqual(['failure', 'failure', 'success']);
    expect(finals[0].path).toContain(f1);
    expect(String(finals[0].body.description)).toMatch(/^Deployment failed on web1: /);
    const told = hook.received.map((r) => r.headers['x-integralgit-event']).filter((e) => e !== 'started');
    expect(told).toEqual(['failed', 'recovered']);
    expect(hook.received.find((r) => r.headers['x-integralgit-event'] === 'failed')?.body).toMatchObject({ errorCode: 'IG_SCRIPT_FAILED', status: 'failed' });
  });

  it('a hanging target never delays a deployment; its message is retried until it answers', async () => {
    hook.mode = 'hang';
    const started = Date.now();
    await push({ 'c.txt': 'x' }, 'While the receiver hangs');
    const d = lastDeployment();
    expect(d.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(15_000);
    // the commit status lane does not wait on the hanging webhook lane
    await statusApi.waitFor(statusApi.received.length);
    for (let i = 0; i < 300 && !(await notifications(d.id)).some((n) => n.target === 'ops' && n.attempts >= 1 && n.lastError); i++) await sleep(100);
    const pending = (await notifications(d.id)).filter((n) => n.target === 'ops');
    expect(pending.every((n) => n.status === 'pending')).toBe(true);
    expect(pending[0].lastError).toContain('3s');
    expect((await notifications(d.id)).filter((n) => n.target === "commit-status")).toEqual([expect.objectContaining({ status: "sent" }), expect.objectContaining({ status: "sent" })]);
    hook.mode = 'ok';
    const n = await settled(d.id, 4);
    // the lane keeps its order: `started` was retried, `succeeded` waited behind it
    const ops = n.filter((x) => x.target === 'ops');
    expect(ops.map((x) => `${x.event}:${x.status}`)).toEqual(['started:sent', 'succeeded:sent']);
    expect(ops[0].attempts).toBeGreaterThanOrEqual(2);
  });

  it('the deployment page lists the messages, /metrics counts them, the token appears nowhere', async () => {
    const d = lastDeployment();
    const page = await h.get(`/app/deployments/${d.id}`);
    expect(page.text).toContain('Commit status and notifications');
    expect(page.text).toContain('commit-status');
    const metrics = await h.get('/metrics');
    expect(metrics.text).toMatch(/integralgit_outgoing_messages\{kind="commit-status",target="commit-status:app",status="sent"\} \d+/);
    expect(metrics.text).toMatch(/integralgit_outgoing_messages\{kind="notify",target="ops",status="sent"\} \d+/);
    for (const text of [page.text, metrics.text, (await h.get(`/api/repos/app/deployments/${d.id}`)).text]) expect(text).not.toContain(TOKEN);
  });
});
