import { ServerHarness } from '../helpers/server-harness';

/** The server applies `retention` after each deployment (SPEC §12). */
describe('retention in a running server', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start({ repo: { retention: { deployments: 1, deliveries: 2 } } });
  });
  afterAll(() => h.close());

  it('keeps only the newest deployment and the two newest deliveries of the repo', async () => {
    for (let i = 0; i < 3; i++) {
      h.repo.commit({ 'n.txt': String(i) }, `push ${i}`);
      expect((await h.pushWebhook()).status).toBe(202);
      await h.idle();
    }
    const left = h.store.listDeployments('app', { limit: 10 }).items;
    expect(left).toHaveLength(1);
    expect(left[0].status).toBe('succeeded');
    expect(h.store.listDeliveries({ repo: 'app', limit: 10 }).items.length).toBeLessThanOrEqual(2);
  });
});
