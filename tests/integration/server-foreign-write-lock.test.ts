import path from 'node:path';
import { ServerHarness } from '../helpers/server-harness';
import { DATABASE_FILE, openStore } from '../../lib/store/open-store';
import { GroupCommitter } from '../../lib/ingest/group-commit';
import { SERVER_BUSY_TIMEOUT_MS } from '../../lib/store/busy-retry';
import { useTempDirs } from '../helpers/temp-store';
import { holdWriteLock } from '../helpers/hold-write-lock';

const tempDir = useTempDirs('ig-busy-');

describe('a write lock held by another process (issue 10 item 5)', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
    // the first request other than /update loads Express (start-server.ts); what is
    // measured here is SQLite's lock, not that one-time load (slow under ts-jest)
    expect((await h.get('/healthz')).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps /healthz answering within 1 s, and the push sent meanwhile is stored and deployed once the lock is released', async () => {
    const { exited } = await holdWriteLock(path.join(h.dataDir, DATABASE_FILE), 6_000);
    const lockedAt = Date.now();
    const push = h.pushWebhook('master', { deliveryId: 'locked-1' });
    const latencies: number[] = [];
    while (Date.now() - lockedAt < 5_000) {
      const t0 = Date.now();
      const res = await h.get('/healthz');
      latencies.push(Date.now() - t0);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    const answer = await push;
    await exited;
    // accepted only once it is on disk, i.e. after the foreign writer let go
    expect(answer.status).toBe(202);
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(5_500);
    await h.idle();
    const [deployment] = h.store.listDeployments('app', { limit: 5 }).items;
    expect(deployment).toMatchObject({ status: 'succeeded', commit: h.repo.head('refs/heads/master') });
    expect(h.store.listDeliveries({ limit: 5 }).items.find((d) => d.deliveryId === 'locked-1')).toMatchObject({ outcome: 'accepted', statusCode: 202 });
  }, 60_000);

  it('a deployment that runs while the lock is taken keeps going, and its record (log in order, outcome) lands once it is released', async () => {
    const before = h.store.listDeployments('app', { limit: 1 }).items[0]?.id ?? 0;
    h.repo.commit({ 'deploy.sh': '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8; do echo "line $i"; sleep 0.25; done\n' }, 'v2: a slow script');
    expect(h.repo.git(['ls-files', '-s', 'deploy.sh'])).toMatch(/^100755/);
    expect((await h.pushWebhook('master', { deliveryId: 'slow-1' })).status).toBe(202);
    // wait for the script's first line, then take the lock for the rest of its run
    const deadline = Date.now() + 30_000;
    let running;
    while (Date.now() < deadline) {
      running = h.store.listDeployments('app', { limit: 1 }).items.find((d) => d.id > before && d.status === 'running');
      if (running && h.store.getLog(running.id).some((c) => c.text.includes('line 1'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBeDefined();
    const { exited } = await holdWriteLock(path.join(h.dataDir, DATABASE_FILE), 2_500);
    const t0 = Date.now();
    expect((await h.get('/healthz')).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1_000);
    await exited;
    await h.idle();
    const done = h.store.getDeployment(running!.id)!;
    expect(done).toMatchObject({ status: 'succeeded', commit: h.repo.head('refs/heads/master') });
    const out = h.store.getLog(done.id).filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
    expect(out).toBe([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `line ${i}\n`).join(''));
  }, 90_000);

  it('a delivery refused after the bounded wait is not stored at all (IG_DATABASE_BUSY), so the host\'s retry is not a duplicate', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.setBusyTimeout(SERVER_BUSY_TIMEOUT_MS);
    try {
      const { exited } = await holdWriteLock(path.join(dir, DATABASE_FILE), 1_500);
      const committer = new GroupCommitter(store, 300);
      const err = await committer.submit(() => store.recordDelivery({ outcome: 'accepted', statusCode: 202, reason: 'x' })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'IG_DATABASE_BUSY' });
      expect((err as Error).message).toMatch(/write lock.*another process/);
      await exited;
      expect(store.listDeliveries({ limit: 5 }).items).toHaveLength(0);
      // the redelivery after the release is stored
      await committer.submit(() => store.recordDelivery({ outcome: 'accepted', statusCode: 202, reason: 'again' }));
      expect(store.listDeliveries({ limit: 5 }).items.map((d) => d.reason)).toEqual(['again']);
    } finally {
      store.close();
    }
  });
});
