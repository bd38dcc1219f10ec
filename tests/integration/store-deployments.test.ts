import { useTempDirs } from '../helpers/temp-store';
import { openStore, type Store } from '../../lib/store';

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

describe('deployments', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(tempDir());
  });
  afterEach(() => store.close());

  it('are created queued and updated field by field through their life', () => {
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', branch: 'master', coalescedJobIds: [3, 4] });
    expect(store.getDeployment(id)).toMatchObject({ status: 'queued', branch: 'master', commit: null, steps: [], coalescedJobIds: [3, 4], startedAt: null });
    store.updateDeployment(id, { status: 'running', startedAt: '2024-05-01T10:00:00.000Z', previousCommit: 'a1', configCommit: 'cfg1' });
    store.updateDeployment(id, { steps: ['fetched origin/master a1..b2', 'checked out b2'], commit: 'b2' });
    store.updateDeployment(id, { status: 'failed', finishedAt: '2024-05-01T10:00:02.500Z', exitCode: 3, errorCode: 'IG_SCRIPT_FAILED', error: 'deploy.sh exited with 3' });
    expect(store.getDeployment(id)).toMatchObject({
      status: 'failed',
      commit: 'b2',
      previousCommit: 'a1',
      configCommit: 'cfg1',
      durationMs: 2500,
      exitCode: 3,
      signal: null,
      errorCode: 'IG_SCRIPT_FAILED',
      steps: ['fetched origin/master a1..b2', 'checked out b2'],
    });
    store.updateDeployment(id, { durationMs: 7, finishedAt: '2024-05-01T10:00:09.000Z' });
    expect(store.getDeployment(id)?.durationMs).toBe(7);
    store.updateDeployment(id, {});
  });

  it('record skips with their reason', () => {
    const id = store.createDeployment({ repo: 'app', host: 'web3', trigger: 'webhook', status: 'skipped', skipReason: 'no location for host web3', finishedAt: '2024-01-01T00:00:00Z' });
    expect(store.getDeployment(id)).toMatchObject({ status: 'skipped', skipReason: 'no location for host web3', durationMs: null });
  });

  it('know the last deployment and the deployed commit per host', () => {
    expect(store.deployedCommit('app', 'web1')).toBeUndefined();
    expect(store.lastDeployment('app', 'web1')).toBeUndefined();
    const ok = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', status: 'succeeded', commit: 'c1', finishedAt: '2024-01-01T00:00:00.000Z' });
    store.createDeployment({ repo: 'app', host: 'web2', trigger: 'webhook', status: 'succeeded', commit: 'c9' });
    const bad = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'poll', status: 'failed', commit: 'c2' });
    expect(store.lastDeployment('app', 'web1')?.id).toBe(bad);
    expect(store.deployedCommit('app', 'web1')).toEqual({ commit: 'c1', deploymentId: ok, finishedAt: '2024-01-01T00:00:00.000Z' });
    expect(store.deployedCommit('app', 'web2')?.commit).toBe('c9');
    expect(store.countDeployments('app')).toBe(3);
    expect(store.countDeployments('app', 'succeeded')).toBe(2);
  });

  it('page newest first with status and branch filters, without gaps or repeats', () => {
    const statuses = ['succeeded', 'failed', 'skipped'] as const;
    const all: number[] = [];
    for (let i = 0; i < 57; i++) {
      all.push(store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', status: statuses[i % 3], branch: i % 2 ? 'master' : 'develop' }));
    }
    store.createDeployment({ repo: 'other', host: 'web1', trigger: 'webhook' });
    const cases = [
      { filter: {}, expected: [...all].reverse() },
      { filter: { status: 'failed' as const }, expected: all.filter((_, i) => i % 3 === 1).reverse() },
      { filter: { branch: 'master' }, expected: all.filter((_, i) => i % 2 === 1).reverse() },
      { filter: { branch: 'master', status: 'skipped' as const }, expected: all.filter((_, i) => i % 2 === 1 && i % 3 === 2).reverse() },
    ];
    for (const { filter, expected } of cases) {
      const seen: number[] = [];
      let before: string | undefined;
      do {
        const page = store.listDeployments('app', { limit: 4, before, ...filter });
        seen.push(...page.items.map((d) => d.id));
        before = page.nextCursor;
      } while (before);
      expect(seen).toEqual(expected);
    }
  });

  it('refuse unknown fields, statuses and ids', () => {
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'cli' });
    expect(() => store.updateDeployment(id, { status: 'done' as never })).toThrow(/invalid deployment status "done"/);
    expect(() => store.updateDeployment(id, { colour: 'red' } as never)).toThrow(/unknown field "colour"/);
    expect(() => store.updateDeployment(999, { status: 'failed' })).toThrow(/deployment 999 does not exist/);
    expect(() => store.createDeployment({ repo: 'app', host: '', trigger: 'cli' })).toThrow(/host must be a non-empty string/);
    expect(() => store.createDeployment({ repo: 'app', host: 'h', trigger: 'magic' as never })).toThrow(/invalid trigger/);
    expect(() => store.listDeployments('app', { limit: 10, status: 'nope' as never })).toThrow(/invalid deployment status/);
    expect(() => store.countDeployments('app', 'nope' as never)).toThrow(/invalid deployment status/);
    expect(store.getDeployment(999)).toBeUndefined();
  });
});
