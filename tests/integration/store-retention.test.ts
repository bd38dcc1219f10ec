import fs from 'node:fs';
import { makeTempDir } from '../helpers/git-fixture';
import { openStore, type Store } from '../../lib/store';

/** `retention` (SPEC §12) on a real SQLite file: the oldest go, what is deployed stays. */
describe('retention', () => {
  let store: Store;
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('ig-retention-');
    store = openStore(dir);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deployment = (host: string, status: 'succeeded' | 'failed' | 'running' | 'queued'): number => {
    const jobId = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const id = store.createDeployment({ repo: 'app', host, trigger: 'webhook', branch: 'master', jobId });
    store.attachDeployment(jobId, id);
    store.updateDeployment(id, { status });
    store.appendLog(id, 'stdout', `log of ${id}\n`);
    return id;
  };
  const ids = () => store.listDeployments('app', { limit: 1000 }).items.map((d) => d.id).sort((a, b) => a - b);

  it('keeps the newest N, plus a running one and the last succeeded per host, and drops the logs with them', () => {
    const running = deployment('web1', 'running');
    const lastOkWeb2 = deployment('web2', 'succeeded');
    const old = deployment('web1', 'failed');
    const lastOkWeb1 = deployment('web1', 'succeeded');
    const recent = [deployment('web1', 'failed'), deployment('web1', 'failed'), deployment('web1', 'failed')];
    const pruned = store.applyRetention('app', { deployments: 3, deliveries: 10 });
    expect(pruned.deployments).toBe(1);
    expect(ids()).toEqual([running, lastOkWeb2, lastOkWeb1, ...recent].sort((a, b) => a - b));
    expect(store.getDeployment(old)).toBeUndefined();
    expect(store.getLog(old)).toEqual([]);
    expect(store.getLog(recent[0]).map((c) => c.text)).toEqual([`log of ${recent[0]}\n`]);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('keeps the newest N deliveries of each repo, leaving other repos alone', () => {
    for (let i = 0; i < 5; i++) store.recordDelivery({ repo: 'app', outcome: 'accepted', statusCode: 202, reason: `a${i}` });
    for (let i = 0; i < 3; i++) store.recordDelivery({ repo: 'other', outcome: 'accepted', statusCode: 202, reason: `o${i}` });
    expect(store.applyRetention('app', { deployments: 10, deliveries: 2 }).deliveries).toBe(3);
    expect(store.listDeliveries({ repo: 'app', limit: 100 }).items.map((d) => d.reason)).toEqual(['a4', 'a3']);
    expect(store.listDeliveries({ repo: 'other', limit: 100 }).items).toHaveLength(3);
  });

  it("unlinks a pruned deployment's jobs through an index, not a scan of every job ever queued", () => {
    // the jobs table keeps a row per push forever: a scan per pruned deployment grows with it
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN UPDATE jobs SET deployment_id = NULL WHERE deployment_id = ?')
      .all(1) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING (COVERING )?INDEX jobs_deployment/);
  });

  it('prunes a large backlog in batches', () => {
    store.db.transaction(() => {
      for (let i = 0; i < 1300; i++) deployment('web1', 'failed');
    })();
    expect(store.applyRetention('app', { deployments: 100, deliveries: 10 }).deployments).toBe(1200);
    expect(ids()).toHaveLength(100);
  });
});
