import fs from 'node:fs';
import { Poller } from '../../lib/queue/poller';
import { openStore, type Store } from '../../lib/store';
import type { Settings } from '../../lib/settings/types';
import type { GitBackend } from '../../lib/workcopy/core/git-backend';
import { silentLogger } from '../../lib/log/logger';
import { makeTempDir } from '../helpers/git-fixture';

const HEAD = 'b'.repeat(40);
let dir: string;
let store: Store;
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('the poller leaves a remembered bad head alone, and queues it again once it is forgotten', async () => {
  dir = makeTempDir('ig-poll-');
  store = openStore(dir);
  const settings = { hostname: 'web1', repos: { app: { name: 'app', url: 'https://x/app.git', pollInterval: 60 } } } as unknown as Settings;
  // only the remote head matters to this test; the rest of the backend is never called
  const backend = { remoteHead: async () => HEAD } as unknown as GitBackend;
  const kicked: string[] = [];
  const poller = new Poller({ settings, store, logger: silentLogger(), backend, kick: (r) => kicked.push(r) });
  store.recordConfigVersion({ repo: 'app', commit: 'cfg', raw: '{}', valid: true, errors: [], config: { configs: { base: { location: '/srv/app' } } }, fetchedAt: new Date().toISOString() });
  const good = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook' });
  store.updateDeployment(good, { status: 'succeeded', commit: 'a'.repeat(40), finishedAt: new Date().toISOString() });

  store.rememberBadCommit('app', 'web1', HEAD, null, 'health check failed');
  expect(await poller.pollOnce('app')).toBeUndefined();
  expect(kicked).toEqual([]);

  store.forgetBadCommit('app', 'web1', HEAD);
  expect(await poller.pollOnce('app')).toEqual(expect.any(Number));
  expect(kicked).toEqual(['app']);
});
