import fs from 'node:fs';
import { makeTempDir } from '../helpers/git-fixture';
import { openStore, type Store } from '../../lib/store';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = makeTempDir('ig-store-');
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('store: safe deployments (SPEC §10)', () => {
  it('a deployment records health, revertedTo and release; rows without them read as before', () => {
    const plain = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    expect(store.getDeployment(plain)).not.toHaveProperty('health');
    expect(store.getDeployment(plain)).not.toHaveProperty('revertedTo');
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    store.updateDeployment(id, { status: 'failed', health: 'failed', revertedTo: 'a'.repeat(40), release: '20260107031500-bbbbbbbbbbbb', errorCode: 'IG_HEALTH_FAILED' });
    expect(store.getDeployment(id)).toMatchObject({ health: 'failed', revertedTo: 'a'.repeat(40), release: '20260107031500-bbbbbbbbbbbb' });
    expect(() => store.updateDeployment(id, { health: 'maybe' as 'passed' })).toThrow(/invalid health "maybe"/);
  });

  it('remembers a bad commit per repo and host until it is forgotten', () => {
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    const sha = 'c'.repeat(40);
    expect(store.badCommit('app', 'web1', sha)).toBeUndefined();
    store.rememberBadCommit('app', 'web1', sha, id, 'health check failed');
    expect(store.badCommit('app', 'web1', sha)).toMatchObject({ repo: 'app', host: 'web1', commit: sha, deploymentId: id, reason: 'health check failed' });
    expect(store.badCommit('app', 'web2', sha)).toBeUndefined();
    // remembered again (a second failure): one row, the newest deployment
    const id2 = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
    store.rememberBadCommit('app', 'web1', sha, id2, 'again');
    expect(store.badCommit('app', 'web1', sha)).toMatchObject({ deploymentId: id2, reason: 'again' });
    expect(store.forgetBadCommit('app', 'web1', sha)).toBe(true);
    expect(store.forgetBadCommit('app', 'web1', sha)).toBe(false);
    expect(store.badCommit('app', 'web1', sha)).toBeUndefined();
  });

  it('survives a reopen (nothing only in memory)', () => {
    store.rememberBadCommit('app', 'web1', 'd'.repeat(40), null, null);
    store.close();
    store = openStore(dir);
    expect(store.badCommit('app', 'web1', 'd'.repeat(40))).toMatchObject({ deploymentId: null });
  });
});
