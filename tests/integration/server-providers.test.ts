import crypto from 'node:crypto';
import { ServerHarness } from '../helpers/server-harness';
import { ALL_REPOS, SECRET, signedFixture, fixtureBody } from '../fixtures/providers/fixture-request';

/**
 * Every provider through the real server: a realistic signed delivery becomes stored events
 * and jobs; a wrong secret is 401 with nothing stored. The queue is stopped first: the
 * fixtures name public hosts, and no test may reach outside 127.0.0.1.
 */
describe('every git host through POST /update', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    const repos = Object.fromEntries(ALL_REPOS.map((r) => [r.name, { url: r.url, secret: SECRET }]));
    h = await ServerHarness.start({ settings: { repos } });
    await h.server.ctx.queue.stop(0);
  });
  afterAll(() => h.close());

  const DELIVERY_HEADERS = ['x-github-delivery', 'x-gitea-delivery', 'x-forgejo-delivery', 'x-gogs-delivery', 'x-request-uuid', 'x-request-id', 'idempotency-key', 'x-gitlab-event-uuid'];
  // fixtures of one host share a delivery id; each send here is a new delivery
  const send = (req: ReturnType<typeof signedFixture>) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = DELIVERY_HEADERS.includes(k) ? crypto.randomUUID() : v;
    return h.post('/update', req.rawBody, headers);
  };

  it.each([
    ['github', 'push', 'myapp', 1],
    ['gitlab', 'push', 'diaspora', 1],
    ['bitbucket-cloud', 'push-multi', 'bbcloud', 2],
    ['bitbucket-server', 'refs-changed', 'bbserver', 1],
    ['gitea', 'push', 'giteaapp', 1],
    ['forgejo', 'push', 'forgejoapp', 1],
  ])('%s %s → 202 with jobs for repo %s', async (provider, name, repo, jobs) => {
    const res = await send(signedFixture(provider, name));
    expect(res.status).toBe(202);
    expect(res.body.repo).toBe(repo);
    expect((res.body.jobs as number[]).length).toBeGreaterThanOrEqual(jobs as number);
    expect(h.store.listJobs(repo as string, ['queued']).length).toBeGreaterThanOrEqual(jobs as number);
  });

  it.each([
    ['github', 'push-tag'],
    ['github', 'push-delete'],
    ['gitea', 'push-tag'],
    ['bitbucket-cloud', 'push-delete'],
    ['bitbucket-server', 'refs-changed-delete'],
  ])('%s %s is recorded without a job', async (provider, name) => {
    const res = await send(signedFixture(provider, name));
    expect(res.status).toBe(202);
    expect(res.body.jobs).toEqual([]);
  });

  it.each([
    ['github', 'push'],
    ['gitlab', 'push'],
    ['bitbucket-cloud', 'push-multi'],
    ['bitbucket-server', 'refs-changed'],
    ['gitea', 'push'],
    ['forgejo', 'push'],
  ])('%s %s with a wrong secret is 401 and stores nothing', async (provider, name) => {
    const before = h.store.listDeliveries({ limit: 1000 }).items.filter((d) => d.outcome === 'accepted').length;
    const res = await send(signedFixture(provider, `${name}`, 'not-the-secret'));
    expect(res.status).toBe(401);
    expect(h.store.listDeliveries({ limit: 1000 }).items.filter((d) => d.outcome === 'accepted').length).toBe(before);
  });

  it('a GitHub body under GitLab headers is refused', async () => {
    const req = signedFixture('gitlab', 'push');
    req.rawBody = fixtureBody('github', 'push');
    const res = await send(req);
    expect([400, 401, 404]).toContain(res.status);
  });
});
