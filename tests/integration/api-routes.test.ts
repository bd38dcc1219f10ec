import { ServerHarness } from '../helpers/server-harness';
import { seedConfig, seedDeployment, seedPush } from '../browser/helpers/seed-history';

// JSON bodies are checked field by field below; `any` keeps those checks readable
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function getJson(h: ServerHarness, route: string): Promise<{ status: number; body: any }> {
  const res = await h.get(route);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: JSON.parse(res.text) };
}

describe('JSON API', () => {
  let h: ServerHarness;
  let failedId: number;
  let firstEvent: number;
  let ghostDeployment: number;
  beforeAll(async () => {
    h = await ServerHarness.start();
    const { store } = h;
    seedConfig(store, 'app', h.location, { invalidAfter: true });
    firstEvent = seedPush(store, 'app', 'web1', { commits: [{ message: 'one' }, { message: 'two' }], deployment: { status: 'succeeded' } }).eventId;
    seedPush(store, 'app', 'web1', { branch: 'develop', commits: [{ message: 'on develop' }], deployment: { status: 'skipped', skipReason: 'push to branch `develop`; host web1 deploys `master`' } });
    failedId = seedPush(store, 'app', 'web1', {
      commits: [{ message: 'three', url: 'https://git.example.com/c/3' }],
      deployment: { status: 'failed', exitCode: 2, errorCode: 'IG_SCRIPT_FAILED', error: 'script ./deploy.sh exited with code 2', log: [['stdout', 'a\n'], ['stderr', 'b\n'], ['stdout', 'c\n']] },
    }).deploymentId!;
    seedDeployment(store, 'app', 'web1', { status: 'succeeded', trigger: 'poll', commit: 'f'.repeat(40) });
    ghostDeployment = seedDeployment(store, 'ghost', 'web1', { status: 'succeeded' });
    store.recordDelivery({ repo: 'app', provider: 'github', outcome: 'accepted', statusCode: 202 });
    store.recordDelivery({ repo: 'app', provider: 'github', outcome: 'rejected', statusCode: 401, reason: 'signature mismatch' });
    store.recordDelivery({ repo: null, outcome: 'rejected', statusCode: 404, reason: 'no repo' });
  });
  afterAll(() => h.close());

  describe('GET /api/repos', () => {
    it('lists every configured repo with what is deployed on this host', async () => {
      const { status, body } = await getJson(h, '/api/repos');
      expect(status).toBe(200);
      expect(body.host).toBe('web1');
      expect(body.repos).toHaveLength(1);
      expect(body.repos[0]).toMatchObject({
        name: 'app',
        host: 'web1',
        deployed: { commit: 'f'.repeat(40) },
        lastDeployment: { status: 'succeeded', trigger: 'poll' },
        queueDepth: 0,
        pin: null,
        config: { status: 'invalid' },
      });
      expect(body.repos[0].config.errors[0].path).toBe('/groups');
    });
  });

  describe('GET /api/repos/<repo>', () => {
    it('has the SPEC shape, newest first', async () => {
      const { status, body } = await getJson(h, '/api/repos/app');
      expect(status).toBe(200);
      expect(body.name).toBe('app');
      expect(body.commits.map((c: { message: string }) => c.message)).toEqual(['three', 'on develop', 'two', 'one']);
      expect(Object.keys(body.commits[0]).sort()).toEqual(['author', 'authorEmail', 'branch', 'id', 'message', 'timestamp', 'url'].sort());
      expect(body.commits[0]).toMatchObject({ author: 'Ada Lovelace', branch: 'master', url: 'https://git.example.com/c/3' });
      expect(body.deployments.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'failed', 'skipped', 'succeeded']);
      for (const key of ['id', 'status', 'commit', 'trigger', 'startedAt', 'finishedAt', 'exitCode']) expect(body.deployments[0]).toHaveProperty(key);
      expect(body.next).toEqual({});
    });

    it('pages with keyset cursors', async () => {
      const first = (await getJson(h, '/api/repos/app?limit=2')).body;
      expect(first.commits).toHaveLength(2);
      expect(first.next.commits).toBeDefined();
      const second = (await getJson(h, `/api/repos/app?limit=2&commitsBefore=${first.next.commits}&deploymentsBefore=${first.next.deployments}`)).body;
      expect(second.commits.map((c: { message: string }) => c.message)).toEqual(['two', 'one']);
      expect(second.deployments.map((d: { status: string }) => d.status)).toEqual(['skipped', 'succeeded']);
      expect(second.next.commits).toBeUndefined();
    });

    it('filters by branch and status', async () => {
      const develop = (await getJson(h, '/api/repos/app?branch=develop')).body;
      expect(develop.commits.map((c: { message: string }) => c.message)).toEqual(['on develop']);
      const failed = (await getJson(h, '/api/repos/app?status=failed')).body;
      expect(failed.deployments.map((d: { id: number }) => d.id)).toEqual([failedId]);
    });

    it('refuses a bad status or cursor with 400, an unknown repo with 404', async () => {
      expect(await getJson(h, '/api/repos/app?status=exploded')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
      expect(await getJson(h, '/api/repos/app?commitsBefore=abc')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
      expect(await getJson(h, '/api/repos/app?deploymentsBefore=-1')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
      expect(await getJson(h, '/api/repos/nope')).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
      expect(await getJson(h, '/api/repos/..%2f..%2fetc')).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
    });
  });

  describe('GET /api/repos/<repo>/deployments/<id>', () => {
    it('returns the deployment with steps and its log', async () => {
      const { status, body } = await getJson(h, `/api/repos/app/deployments/${failedId}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: failedId, status: 'failed', exitCode: 2, errorCode: 'IG_SCRIPT_FAILED', error: 'script ./deploy.sh exited with code 2' });
      expect(body.steps.length).toBeGreaterThan(0);
      expect(body.log.map((c: { stream: string; text: string }) => [c.stream, c.text])).toEqual([['stdout', 'a\n'], ['stderr', 'b\n'], ['stdout', 'c\n']]);
    });

    it('returns only the chunks after afterSeq', async () => {
      const all = (await getJson(h, `/api/repos/app/deployments/${failedId}`)).body.log;
      const after = (await getJson(h, `/api/repos/app/deployments/${failedId}?afterSeq=${all[0].seq}`)).body.log;
      expect(after.map((c: { text: string }) => c.text)).toEqual(['b\n', 'c\n']);
    });

    it('404 for an unknown id, a non-number, another repo’s deployment or an unknown repo', async () => {
      for (const route of ['/api/repos/app/deployments/999999', '/api/repos/app/deployments/abc', '/api/repos/app/deployments/0', `/api/repos/app/deployments/${ghostDeployment}`]) {
        expect(await getJson(h, route)).toMatchObject({ status: 404, body: { code: 'IG_NOT_FOUND' } });
      }
      expect(await getJson(h, `/api/repos/nope/deployments/${failedId}`)).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
    });
  });

  describe('GET /api/repos/<repo>/pushes', () => {
    it('lists pushes with their commits and the deployment each led to', async () => {
      const { status, body } = await getJson(h, '/api/repos/app/pushes');
      expect(status).toBe(200);
      expect(body.items).toHaveLength(3);
      const last = body.items[2];
      expect(last).toMatchObject({ id: firstEvent, branch: 'master', pusher: 'ada', commitCount: 2, queuedJobs: 0 });
      expect(last.commits.map((c: { message: string }) => c.message)).toEqual(['one', 'two']);
      expect(last.deployments).toHaveLength(1);
      expect(last.deployments[0]).toMatchObject({ status: 'succeeded', trigger: 'webhook' });
    });

    it('pages, filters by branch, refuses bad cursors and unknown repos', async () => {
      const first = (await getJson(h, '/api/repos/app/pushes?limit=1')).body;
      expect(first.items).toHaveLength(1);
      const second = (await getJson(h, `/api/repos/app/pushes?limit=1&before=${first.nextCursor}`)).body;
      expect(second.items[0].branch).toBe('develop');
      expect((await getJson(h, '/api/repos/app/pushes?branch=develop')).body.items).toHaveLength(1);
      expect(await getJson(h, '/api/repos/app/pushes?before=x')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
      expect(await getJson(h, '/api/repos/nope/pushes')).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
    });
  });

  describe('GET /api/repos/<repo>/config', () => {
    it('gives the effective config with provenance, the raw text and the last error', async () => {
      const { status, body } = await getJson(h, '/api/repos/app/config');
      expect(status).toBe(200);
      expect(body.host).toBe('web1');
      expect(body.inForce.layers).toEqual(['base', 'group:web', 'host:web1']);
      expect(body.inForce.provenance).toEqual(
        expect.arrayContaining([
          { key: 'timeout', value: 120, layer: 'group:web', overridden: [] },
          { key: 'env.PORT', value: '8080', layer: 'host:web1', overridden: [] },
          { key: 'remote', value: 'origin', layer: 'default', overridden: [] },
        ]),
      );
      expect(body.inForce.raw).toContain('"hostgroups"');
      expect(body.lastError).toMatchObject({ current: true, errors: [{ path: '/groups' }] });
      expect(body.latest.valid).toBe(false);
    });

    it('404 for an unknown repo', async () => {
      expect(await getJson(h, '/api/repos/nope/config')).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
    });
  });

  describe('deliveries', () => {
    it('GET /api/deliveries filters by repo and outcome', async () => {
      expect((await getJson(h, '/api/deliveries')).body.items).toHaveLength(3);
      expect((await getJson(h, '/api/deliveries?outcome=rejected')).body.items.map((d: { reason: string }) => d.reason)).toEqual(['no repo', 'signature mismatch']);
      expect((await getJson(h, '/api/deliveries?repo=app&outcome=accepted')).body.items).toHaveLength(1);
      expect(await getJson(h, '/api/deliveries?outcome=bad')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
      expect(await getJson(h, '/api/deliveries?before=zz')).toMatchObject({ status: 400, body: { code: 'IG_USAGE' } });
    });

    it('GET /api/repos/<repo>/deliveries is one repo’s log', async () => {
      const { body } = await getJson(h, '/api/repos/app/deliveries?outcome=rejected');
      expect(body.items.map((d: { reason: string }) => d.reason)).toEqual(['signature mismatch']);
      expect(await getJson(h, '/api/repos/nope/deliveries')).toMatchObject({ status: 404, body: { code: 'IG_REPO_UNKNOWN' } });
      expect(await getJson(h, '/api/repos/app/deliveries?outcome=nope')).toMatchObject({ status: 400 });
    });
  });

  it('an unknown API route is a JSON 404', async () => {
    expect(await getJson(h, '/api/nothing/here')).toMatchObject({ status: 404, body: { code: 'IG_NOT_FOUND' } });
  });
});
