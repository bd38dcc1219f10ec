import { useTempDirs } from '../helpers/temp-store';
import type { ConfigVersionRecord } from '../../lib/config/types';
import { openStore, type Store } from '../../lib/store';

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

function version(over: Partial<ConfigVersionRecord>): ConfigVersionRecord {
  return {
    repo: 'app',
    commit: 'cfg1',
    raw: '{"configs":{"base":{"location":"/srv/app"}}}',
    valid: true,
    errors: [],
    config: { configs: { base: { location: '/srv/app' } } },
    fetchedAt: '2024-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('config versions', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(tempDir());
  });
  afterEach(() => store.close());

  it('keep every version and the last valid one in force', () => {
    expect(store.latestConfigVersion('app')).toBeUndefined();
    expect(store.lastValidConfig('app')).toBeUndefined();
    store.recordConfigVersion(version({}));
    const broken = version({
      commit: 'cfg2',
      raw: '{"groups":{}}',
      valid: false,
      errors: [{ path: '/groups', message: 'unknown key "groups"; did you mean "hostgroups"?' }],
      config: undefined,
      fetchedAt: '2024-01-02T00:00:00.000Z',
    });
    store.recordConfigVersion(broken);
    expect(store.latestConfigVersion('app')).toEqual(broken);
    expect(store.lastValidConfig('app')).toEqual(version({}));
    expect(store.listConfigVersions('app', 10).map((v) => v.commit)).toEqual(['cfg2', 'cfg1']);
    expect(store.listRepos()).toEqual(['app']);
  });

  it('treat a commit seen again as one version that is current again', () => {
    store.recordConfigVersion(version({ commit: 'A' }));
    store.recordConfigVersion(version({ commit: 'B', fetchedAt: '2024-01-02T00:00:00.000Z', config: { configs: { base: { location: '/srv/b' } } } }));
    // the branch was reset to A: same commit, later fetch; content and verdict stay as first recorded
    store.recordConfigVersion(version({ commit: 'A', raw: 'ignored', valid: false, fetchedAt: '2024-01-03T02:00:00+02:00' }));
    expect(store.listConfigVersions('app')).toHaveLength(2);
    expect(store.latestConfigVersion('app')).toMatchObject({ commit: 'A', raw: version({}).raw, valid: true, fetchedAt: '2024-01-03T00:00:00.000Z' });
    expect(store.lastValidConfig('app')?.commit).toBe('A');
  });

  it('refuse a record without a time or commit', () => {
    expect(() => store.recordConfigVersion(version({ fetchedAt: 'yesterday' }))).toThrow(/fetchedAt "yesterday" is not a time/);
    expect(() => store.recordConfigVersion(version({ commit: '' }))).toThrow(/config commit must be a non-empty string/);
  });
});

describe('deliveries log', () => {
  let store: Store;
  afterEach(() => store.close());

  it('records every outcome, keeping a capped body only for accepted ones', () => {
    store = openStore(tempDir(), { deliveryBodyLimitBytes: 10 });
    const accepted = store.recordDelivery({ remoteAddr: '127.0.0.1', provider: 'github', event: 'push', deliveryId: 'g1', repo: 'app', outcome: 'accepted', statusCode: 202, jobIds: [1, 2], body: '{"ref":"refs/heads/master"}' });
    const rejected = store.recordDelivery({ remoteAddr: '10.0.0.9', provider: 'github', event: 'push', repo: 'app', outcome: 'rejected', statusCode: 401, reason: 'signature mismatch', body: 'hostile' });
    const unknown = store.recordDelivery({ outcome: 'rejected', statusCode: 404, reason: 'unknown repo "evil"', repo: null, receivedAt: '2024-01-01T01:00:00+01:00' });
    expect(store.getDelivery(accepted)).toMatchObject({ outcome: 'accepted', statusCode: 202, jobIds: [1, 2], body: '{"ref":"re', bodyTruncated: true, hasBody: true });
    expect(store.getDelivery(rejected)).toMatchObject({ outcome: 'rejected', reason: 'signature mismatch', body: null, hasBody: false });
    expect(store.getDelivery(unknown)).toMatchObject({ receivedAt: '2024-01-01T00:00:00.000Z', repo: null, provider: null });
    const page = store.listDeliveries({ limit: 10 });
    expect(page.items.map((d) => d.id)).toEqual([unknown, rejected, accepted]);
    expect(page.items[0]).not.toHaveProperty('body');
    expect(store.listDeliveries({ limit: 10, repo: 'app', outcome: 'rejected' }).items.map((d) => d.id)).toEqual([rejected]);
    expect(store.listDeliveries({ limit: 10, outcome: 'ping' }).items).toEqual([]);
    expect(() => store.recordDelivery({ outcome: 'lost' as never, statusCode: 200 })).toThrow(/invalid delivery outcome/);
    expect(() => store.recordDelivery({ outcome: 'ping', statusCode: 2.5 })).toThrow(/statusCode must be an integer/);
    expect(() => store.listDeliveries({ limit: 10, outcome: 'x' as never })).toThrow(/invalid delivery outcome/);
  });

  it('keeps only the newest deliveries within the bound, paging through them', () => {
    store = openStore(tempDir(), { deliveriesLimit: 25 });
    const ids = Array.from({ length: 60 }, (_, i) => store.recordDelivery({ outcome: i % 2 ? 'accepted' : 'ignored', statusCode: 202, repo: 'app' }));
    expect(store.db.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(25);
    const seen: number[] = [];
    let before: string | undefined;
    do {
      const page = store.listDeliveries({ limit: 7, before, repo: 'app' });
      seen.push(...page.items.map((d) => d.id));
      before = page.nextCursor;
    } while (before);
    expect(seen).toEqual(ids.slice(-25).reverse());

    store.setDeliveriesLimit(5);
    expect(store.listDeliveries({ limit: 100 }).items.map((d) => d.id)).toEqual(ids.slice(-5).reverse());
    expect(() => store.setDeliveriesLimit(0)).toThrow(/deliveriesLimit must be a whole number of at least 1/);
  });
});

describe('pins', () => {
  it('pin a host to a commit until cleared', () => {
    const store = openStore(tempDir());
    try {
      expect(store.getPin('app', 'web1')).toBeUndefined();
      store.setPin('app', 'web1', 'c1', 'admin');
      store.setPin('app', 'web1', 'c0', null);
      expect(store.getPin('app', 'web1')).toMatchObject({ repo: 'app', host: 'web1', commit: 'c0', by: null });
      expect(store.getPin('app', 'web2')).toBeUndefined();
      expect(store.clearPin('app', 'web1')).toBe(true);
      expect(store.clearPin('app', 'web1')).toBe(false);
      expect(store.getPin('app', 'web1')).toBeUndefined();
      expect(() => store.setPin('app', 'web1', '', 'x')).toThrow(/commit must be a non-empty string/);
    } finally {
      store.close();
    }
  });
});

describe('health', () => {
  it('answers while open and says so when closed', () => {
    const store = openStore(tempDir());
    expect(store.healthCheck()).toBe(true);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    expect(store.healthCheck()).toBe(false);
    store.close();
  });
});

describe('repos', () => {
  it('ensure a repo again after the transaction that first wrote it rolled back', () => {
    const store = openStore(tempDir());
    try {
      const push = (deliveryId: string) =>
        store.recordPushEvent({ repo: 'fresh', provider: 'github', deliveryId, eventType: 'push', ref: 'refs/heads/main', branch: 'main', created: false, deleted: false, forced: false, commits: [], jobs: [{ branch: 'main', trigger: 'webhook' }] });
      expect(() =>
        store.durably(() => {
          push('d1');
          throw new Error('a later piece of the batch failed');
        }),
      ).toThrow(/later piece/);
      expect(store.listRepos()).toEqual([]);
      // remembered only once committed: the next delivery still writes the row its event needs
      expect(push('d2').jobIds).toHaveLength(1);
      store.ensureRepo('fresh');
      expect(store.listRepos()).toEqual(['fresh']);
    } finally {
      store.close();
    }
  });
});
