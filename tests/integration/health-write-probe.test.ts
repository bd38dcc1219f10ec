import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ServerHarness } from '../helpers/server-harness';
import { makeTempDir } from '../helpers/git-fixture';
import { DATABASE_FILE } from '../../lib/store/open-store';

/** A small tmpfs is a real full disk; mounting one needs root (CI runs as root). */
const isRoot = process.getuid?.() === 0;

function fillUp(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

async function healthz(h: ServerHarness): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const t0 = Date.now();
  const res = await h.get('/healthz');
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown>, ms: Date.now() - t0 };
}

async function until(h: ServerHarness, want: number, timeoutMs = 10_000): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await healthz(h);
    if (r.status === want || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

(isRoot ? describe : describe.skip)('/healthz while writes fail (issue 10 item 4b)', () => {
  let h: ServerHarness;
  let mountPoint: string;
  beforeAll(async () => {
    mountPoint = makeTempDir('ig-full-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
    h = await ServerHarness.start({ settings: { dataDir: path.join(mountPoint, 'data') }, serverOptions: { writeProbeMs: 100 } });
  });
  afterAll(async () => {
    await h?.close();
    try {
      execFileSync('umount', [mountPoint]);
    } finally {
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('says unavailable (503) with the cause while the disk is full, never ok, and recovers once space is freed', async () => {
    const healthy = await healthz(h);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ok', database: true, writes: { ok: true } });

    const filler = fillUp(mountPoint);
    const full = await until(h, 503);
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ status: 'unavailable', writes: { ok: false } });
    const cause = (full.body.writes as { error: string }).error;
    expect(cause).toContain(path.join(mountPoint, 'data', DATABASE_FILE));
    expect(cause).toMatch(/disk .* is full.*free space/);
    // liveness is not blocked by the failing writes
    expect(full.ms).toBeLessThan(1_000);
    // a push meanwhile is refused for a retry, not acknowledged
    const push = await h.pushWebhook('master', { deliveryId: 'full-1' });
    expect(push.status).toBe(503);

    fs.rmSync(filler);
    const back = await until(h, 200);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'ok', writes: { ok: true } });
    expect((await h.pushWebhook('master', { deliveryId: 'full-2' })).status).toBe(202);
    await h.idle();
  }, 60_000);
});
