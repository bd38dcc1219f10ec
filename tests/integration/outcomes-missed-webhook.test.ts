import { silentLogger } from '../../lib/log/logger';
import { recordMissedHead, type MissedHead } from '../../lib/outcomes/missed-webhook';
import { Poller } from '../../lib/queue/poller';
import { ServerHarness } from '../helpers/server-harness';

const GRACE_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('missed webhooks (SPEC §9): the poller finds a head no delivery announced', () => {
  let h: ServerHarness;
  let poller: Poller;
  const missed: MissedHead[] = [];
  const missedEntries = () => h.store.listDeliveries({ limit: 100, outcome: 'missed' }).items;

  beforeAll(async () => {
    h = await ServerHarness.start();
    const { settings, backend, queue } = h.server.ctx;
    const { store } = h.server;
    poller = new Poller({ settings, store, logger: silentLogger(), backend, kick: (repo) => queue.kick(repo), onMissed: (m) => missed.push(m), missedGraceMs: GRACE_MS });
  });
  afterAll(async () => {
    poller.stop();
    await h.close();
  });

  it('a first deployment by poll is not a missed webhook (nothing had moved)', async () => {
    expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
    await h.idle();
    await sleep(GRACE_MS + 500);
    expect(missedEntries()).toEqual([]);
  });

  it('a push without a webhook is recorded as missed once, with the reason, and emitted', async () => {
    const sha = h.repo.commit({ 'lost.txt': 'x' }, 'no webhook for this one');
    expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
    await h.idle();
    await sleep(GRACE_MS + 500);
    const entries = missedEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ repo: 'app', outcome: 'missed', deliveryId: sha, statusCode: 0 });
    expect(entries[0].reason).toContain(`the branch moved to ${sha} but no webhook came: check the hook on the git host`);
    expect(missed).toEqual([expect.objectContaining({ repo: 'app', branch: 'master', head: sha })]);
    // asked again (another poller, a restart): recorded once per head
    expect(recordMissedHead(h.store, 'app', 'master', sha)).toBeUndefined();
  });

  it('a webhook arriving within the grace period is not missed', async () => {
    h.repo.commit({ 'late.txt': 'x' }, 'webhook comes a moment after the poll');
    expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
    await h.pushWebhook('master');
    await h.idle();
    await sleep(GRACE_MS + 500);
    expect(missedEntries()).toHaveLength(1);
    expect(missed).toHaveLength(1);
  });

  it('a head a delivery announced is never missed', async () => {
    const sha = h.repo.commit({ 'hooked.txt': 'x' }, 'with a webhook');
    await h.pushWebhook('master');
    await h.idle();
    expect(recordMissedHead(h.store, 'app', 'master', sha)).toBeUndefined();
  });

  it('the deliveries page and API list the missed entry', async () => {
    const res = await h.get('/deliveries?outcome=missed');
    expect(res.status).toBe(200);
    expect(res.text).toContain('no webhook came');
  });
});
