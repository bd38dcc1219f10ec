import net from 'node:net';
import { ServerHarness } from '../helpers/server-harness';

/**
 * Trickling clients (slowloris) must not stop real deliveries: Node's headersTimeout and
 * requestTimeout are set, and an idle connection costs no worker.
 */
describe('slow clients', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('a real delivery is accepted while 1,000 sockets trickle headers', async () => {
    const port = h.server.port;
    const sockets: net.Socket[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.write('POST /update HTTP/1.1\r\nHost: x\r\nX-Slow: ');
            resolve();
          });
          s.on('error', () => resolve());
          sockets.push(s);
        }),
      ),
    );
    const timer = setInterval(() => sockets.forEach((s) => s.writable && s.write('a')), 500);
    try {
      h.repo.commit({ 'slow.txt': 'x' }, 'while under slowloris');
      const res = await h.pushWebhook('master');
      expect(res.status).toBe(202);
      await h.idle();
      expect(h.store.listDeployments('app', { limit: 1 }).items[0].status).toBe('succeeded');
    } finally {
      clearInterval(timer);
      sockets.forEach((s) => s.destroy());
    }
  });
});
