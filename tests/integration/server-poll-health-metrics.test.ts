import { ServerHarness } from '../helpers/server-harness';
import { Poller } from '../../lib/queue/poller';
import { silentLogger } from '../../lib/log/logger';
import { requestDeployment } from '../../lib/queue/request-deployment';
import { git } from '../helpers/git-fixture';

describe('polling reconcile, health and metrics', () => {
  let h: ServerHarness;
  let poller: Poller;
  beforeAll(async () => {
    h = await ServerHarness.start();
    const { settings, backend, queue } = h.server.ctx;
    const { store } = h.server;
    poller = new Poller({ settings, store, logger: silentLogger(), backend, kick: (repo) => queue.kick(repo) });
  });
  afterAll(() => h.close());

  it('with no deployment yet, a poll queues one', async () => {
    expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
    await h.idle();
    const d = h.store.listDeployments('app', { limit: 1 }).items[0];
    expect(d).toMatchObject({ trigger: 'poll', status: 'succeeded', commit: h.repo.head('refs/heads/master') });
  });

  it('catches up a push whose webhook was lost', async () => {
    const sha = h.repo.commit({ 'lost.txt': 'webhook lost' }, 'no webhook for this one');
    expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
    await h.idle();
    expect(git(h.location, ['rev-parse', 'HEAD'])).toBe(sha);
    expect(h.store.listDeployments('app', { limit: 1 }).items[0].trigger).toBe('poll');
  });

  it('does nothing when the host is up to date', async () => {
    expect(await poller.pollOnce('app')).toBeUndefined();
  });

  it('leaves a pinned host alone, and a push releases the pin', async () => {
    const old = h.repo.head('refs/heads/master~1');
    requestDeployment(h.settings, h.store, { repo: 'app', trigger: 'ui', targetCommit: old });
    h.server.ctx.queue.kick('app');
    await h.idle();
    expect(git(h.location, ['rev-parse', 'HEAD'])).toBe(old);
    expect(h.store.getPin('app', 'web1')?.commit).toBe(old);
    expect(await poller.pollOnce('app')).toBeUndefined();
    const sha = h.repo.commit({ 'after-pin.txt': 'x' }, 'a push after the rollback');
    await h.pushWebhook('master');
    await h.idle();
    expect(git(h.location, ['rev-parse', 'HEAD'])).toBe(sha);
    expect(h.store.getPin('app', 'web1')).toBeUndefined();
  });

  it('/healthz reports the database, workers and queue', async () => {
    const res = await h.get('/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ status: 'ok', database: true, queueDepth: 0, host: 'web1' });
  });

  it('/metrics speaks Prometheus with deliveries, deployments, durations and queue depth', async () => {
    const res = await h.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(/integralgit_deliveries_total\{provider="github",outcome="accepted"\} \d+/);
    expect(res.text).toMatch(/integralgit_deployments_total\{repo="app",status="succeeded"\} \d+/);
    expect(res.text).toContain('integralgit_deployment_duration_seconds_bucket');
    expect(res.text).toContain('integralgit_queue_depth{repo="app"} 0');
    expect(res.text).toContain('integralgit_process_resident_memory_bytes');
  });
});
