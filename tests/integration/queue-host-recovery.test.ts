import { ServerHarness } from '../helpers/server-harness';
import { useTempStore } from '../helpers/temp-store';
import type { Store } from '../../lib/store';

const tempStore = useTempStore('ig-hosts-');

/** Two serve processes with different --hostname sharing one store (SPEC §11). */
describe('serve recovers only its own host’s interrupted jobs', () => {
  let h: ServerHarness;
  let store: Store;
  let otherJob: number;
  let otherDeployment: number;

  beforeAll(async () => {
    ({ store } = tempStore());
    // web2 is in the middle of a deployment of `app` when web1 (the harness) starts
    otherJob = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('app', 'web2');
    otherDeployment = store.createDeployment({ repo: 'app', host: 'web2', trigger: 'webhook', jobId: otherJob, status: 'running', startedAt: new Date().toISOString() });
    h = await ServerHarness.start({ serverOptions: { store } });
  });
  afterAll(async () => {
    await h?.close();
    store.close();
  });

  it('leaves the other host’s running job and deployment alone, and claims new jobs as itself', async () => {
    expect(store.getJob(otherJob)).toMatchObject({ state: 'running', host: 'web2', attempts: 1 });
    expect(store.getDeployment(otherDeployment)).toMatchObject({ status: 'running', error: null });

    const res = await h.pushWebhook('master');
    expect(res.status).toBe(202);
    await h.idle();
    const [mine] = res.body.jobs as number[];
    expect(store.getJob(mine)).toMatchObject({ state: 'done', host: 'web1' });
    expect(store.getJob(otherJob)).toMatchObject({ state: 'running', host: 'web2' });
  });
});
