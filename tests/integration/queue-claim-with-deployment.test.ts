import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { openStore, type Store } from '../../lib/store';
import { DeployQueue } from '../../lib/queue/deploy-queue';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';

/**
 * A claimed job and its deployment row are one transaction (issue 16: one fsync before the
 * fetch starts instead of two commits): when the row cannot be written, the claim is rolled
 * back with it and the job stays queued for the worker's retry, instead of ending as done
 * with no deployment to show for the push.
 */
describe('the queue claims a job together with its deployment row', () => {
  let root: string;
  let store: Store;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-queue-claim-'));
    store = openStore(path.join(root, 'data'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('leaves the job queued, with no deployment, when the deployment row cannot be written', async () => {
    const settings = settingsFromObject(
      { dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [path.join(root, 'www')], repos: { app: { url: 'https://example.invalid/app.git', secret: 's' } } },
      { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
    );
    const jobId = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const realCreate = store.createDeployment.bind(store);
    store.createDeployment = () => {
      throw new Error('disk I/O error');
    };
    const queue = new DeployQueue({ settings, store, logger: silentLogger(), backend: createBackend('native') });
    queue.kick('app');
    await queue.idle();
    await queue.stop(0); // no retry after the back-off during the test

    expect(store.getJob(jobId)).toMatchObject({ state: 'queued', deploymentId: null });
    expect(store.listDeployments('app', { limit: 10 }).items).toHaveLength(0);
    store.createDeployment = realCreate;
  });
});
