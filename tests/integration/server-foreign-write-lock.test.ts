import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { ServerHarness } from '../helpers/server-harness';
import { DATABASE_FILE } from '../../lib/store/open-store';

/**
 * Another process (a `sqlite3` shell, a backup tool, a CLI command gone wrong) holds the
 * write lock of the server's database: a child holding `BEGIN IMMEDIATE` for HOLD_MS.
 */
function holdWriteLock(file: string, holdMs: number): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)));
    child.stdout!.once('data', () => {
      child.removeAllListeners('exit');
      resolve(child);
    });
  });
}

describe('a write lock held by another process (issue 10 item 5)', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps /healthz answering within 1 s, and the push sent meanwhile is stored and deployed once the lock is released', async () => {
    const holder = await holdWriteLock(path.join(h.dataDir, DATABASE_FILE), 6_000);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
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
});
