import fs from 'node:fs';
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

  it('commits the work of one event-loop turn in one transaction, each in its own savepoint', async () => {
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
    expect(inTx).toEqual([true]);
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
});
