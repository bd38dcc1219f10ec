import { ServerHarness, SECRET } from '../helpers/server-harness';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';

/** trustedNetworks narrows who may deliver, in addition to signatures; X-Forwarded-For only counts from trusted proxies. */
describe('trustedNetworks and trustProxy through the server', () => {
  const body = (h: ServerHarness) =>
    githubPushPayload({ cloneUrl: h.repo.url, ref: 'refs/heads/feature', before: '0'.repeat(40), after: h.repo.head(), commits: [] });

  it('refuses a correctly signed delivery from outside trustedNetworks with 403', async () => {
    const h = await ServerHarness.start({ settings: { trustedNetworks: ['192.0.2.0/24', '2001:db8::/32'] } });
    try {
      const b = body(h);
      const res = await h.post('/update', b, githubHeaders(b, SECRET));
      expect(res.status).toBe(403);
      expect(String(res.body.error)).toContain('trustedNetworks');
      // a forged X-Forwarded-For is not believed without trustProxy
      const forged = await h.post('/update', b, { ...githubHeaders(b, SECRET), 'x-forwarded-for': '192.0.2.7' });
      expect(forged.status).toBe(403);
      expect(h.store.listDeliveries({ limit: 1 }).items[0]).toMatchObject({ outcome: 'rejected', statusCode: 403, remoteAddr: '127.0.0.1' });
    } finally {
      await h.close();
    }
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    const h = await ServerHarness.start({ settings: { trustedNetworks: ['192.0.2.0/24'], trustProxy: ['127.0.0.1/32'] } });
    try {
      const b = body(h);
      const res = await h.post('/update', b, { ...githubHeaders(b, SECRET), 'x-forwarded-for': '192.0.2.7' });
      expect(res.status).toBe(202);
      expect(h.store.listDeliveries({ limit: 1 }).items[0].remoteAddr).toBe('192.0.2.7');
      const outside = await h.post('/update', b, { ...githubHeaders(b, SECRET), 'x-forwarded-for': '198.51.100.1' });
      expect(outside.status).toBe(403);
      await h.idle();
    } finally {
      await h.close();
    }
  });
});
