import fs from 'node:fs';
import zlib from 'node:zlib';
import { openStore, type Store } from '../../lib/store';
import { GroupCommitter } from '../../lib/ingest/group-commit';
import { makeTempDir } from '../helpers/git-fixture';

describe('group commit of deliveries', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = makeTempDir('ig-group-');
    store = openStore(dir);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const delivery = (reason: string) => () => store.recordDelivery({ outcome: 'accepted', statusCode: 202, reason });

  it('commits the work of one event-loop turn in one transaction, without a savepoint (statement journal) per piece', async () => {
    const committer = new GroupCommitter(store);
    const changes = () => store.db.prepare('SELECT total_changes()').pluck().get() as number;
    const seen: Array<{ inTx: boolean; id: number }> = [];
    const before = changes();
    await Promise.all(
      ['a', 'b', 'c'].map((r) =>
        committer.submit(() => {
          seen.push({ inTx: store.db.inTransaction, id: delivery(r)() });
        }),
      ),
    );
    expect(seen.map((s) => s.inTx)).toEqual([true, true, true]);
    expect(changes() - before).toBeGreaterThanOrEqual(3);
    expect(store.listDeliveries({ limit: 10 }).items.map((d) => d.reason).sort()).toEqual(['a', 'b', 'c']);
    // temp files (statement journals, sorts) stay in memory: no etilqs_* writes per request
    expect(store.db.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('retries the batch one piece per transaction when a piece fails, so only that one is lost', async () => {
    const committer = new GroupCommitter(store);
    const inTx: boolean[] = [];
    const results = await Promise.allSettled([
      committer.submit(() => {
        inTx.push(store.db.inTransaction);
        return delivery('one')();
      }),
      committer.submit(() => {
        store.recordDelivery({ outcome: 'accepted', statusCode: 202, reason: 'rolled back' });
        throw new Error('this one fails');
      }),
      committer.submit(delivery('three')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // the first piece ran in the batch, was rolled back with it and ran again on its own
    expect(inTx).toEqual([true, true]);
    const reasons = store.listDeliveries({ limit: 10 }).items.map((d) => d.reason);
    expect(reasons.sort()).toEqual(['one', 'three']);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // back to NORMAL
  });

  it('rejects every piece of work when the commit itself fails', async () => {
    const committer = new GroupCommitter(store);
    const pending = [committer.submit(delivery('a')), committer.submit(delivery('b'))];
    store.close();
    for (const p of pending) await expect(p).rejects.toThrow();
    store = openStore(dir);
    expect(store.listDeliveries({ limit: 10 }).items).toEqual([]);
  });

  it("keeps the head of an accepted delivery's raw body as text, uncompressed and cut whole at the limit", () => {
    store.close();
    store = openStore(dir, { deliveryBodyLimitBytes: 10 });
    const short = store.recordDelivery({ outcome: 'accepted', statusCode: 202, body: Buffer.from('{"a":1}') });
    const long = store.recordDelivery({ outcome: 'accepted', statusCode: 202, body: Buffer.from('{"é":"ééééé"}') });
    const rejected = store.recordDelivery({ outcome: 'rejected', statusCode: 401, body: Buffer.from('{}') });
    // readable in the sqlite3 shell; no zlib on the webhook's path
    expect(store.db.prepare('SELECT typeof(body), body FROM deliveries WHERE id = ?').raw().get(short)).toEqual(['text', '{"a":1}']);
    expect(store.getDelivery(short)).toMatchObject({ body: '{"a":1}', hasBody: true, bodyTruncated: false });
    // the 10th byte is the first half of the value's second "é": it is left out whole
    expect(store.getDelivery(long)).toMatchObject({ body: '{"é":"é', bodyTruncated: true });
    expect(store.getDelivery(rejected)).toMatchObject({ body: null, hasBody: false });
  });

  it('keeps the first 1 KiB of an accepted body by default: no overflow page, no zlib', () => {
    const big = Buffer.from(JSON.stringify({ commits: Array.from({ length: 100 }, (_, i) => ({ id: i, message: 'fix the rounding of discounts' })) }));
    const id = store.recordDelivery({ outcome: 'accepted', statusCode: 202, body: big });
    expect(store.getDelivery(id)).toMatchObject({ body: big.subarray(0, 1024).toString('utf8'), bodyTruncated: true, hasBody: true });
    expect(store.db.prepare("SELECT count(*) FROM dbstat WHERE name = 'deliveries' AND pagetype = 'overflow'").pluck().get()).toBe(0);
  });

  it('still reads the deflated bodies of rows written before bodies were kept as text', () => {
    const text = JSON.stringify({ ref: 'refs/heads/main', note: 'é'.repeat(50) });
    const id = store.recordDelivery({ outcome: 'accepted', statusCode: 202 });
    store.db.prepare('UPDATE deliveries SET body = ? WHERE id = ?').run(zlib.deflateRawSync(Buffer.from(text)), id);
    expect(store.getDelivery(id)?.body).toBe(text);
  });
});
