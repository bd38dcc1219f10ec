import { ServerHarness } from '../helpers/server-harness';
import { fakeSha, seedDeployment, seedPush } from '../browser/helpers/seed-history';

// Issue 10 item 20: a delivery row said only "accepted · 202 · job #16" even when that job
// became deployment #21 and failed. The row carries the final outcome beside the job.
describe('deliveries show what became of their jobs', () => {
  let h: ServerHarness;
  let failedDeployment: number;
  let failedJob: number;
  beforeAll(async () => {
    h = await ServerHarness.start();
    const { store } = h;
    // a few deployments without a job first (CLI, poll), so the job and deployment numbers differ
    for (let i = 0; i < 3; i++) seedDeployment(store, 'app', 'web1', { status: 'succeeded', trigger: 'cli', commit: fakeSha() });
    const failed = seedPush(store, 'app', 'web1', {
      commits: [{ message: 'break the build' }],
      deployment: { status: 'failed', exitCode: 3, error: 'script ./deploy.sh exited with code 3' },
    });
    failedDeployment = failed.deploymentId!;
    failedJob = store.jobsOfEvent(failed.eventId)[0].id;
    store.recordDelivery({ repo: 'app', provider: 'github', event: 'push', outcome: 'accepted', statusCode: 202, reason: `queued job ${failedJob}`, jobIds: [failedJob] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the deliveries page shows the deployment id and its status beside the job', async () => {
    expect(failedJob).not.toBe(failedDeployment);
    const res = await h.get('/deliveries');
    expect(res.status).toBe(200);
    const row = res.text.slice(res.text.indexOf('<tr class="delivery delivery-accepted'));
    const cell = row.slice(row.indexOf('data-label="Reason"'), row.indexOf('</td>', row.indexOf('data-label="Reason"')));
    expect(cell).toContain(`href="/app/deployments/${failedDeployment}"`);
    expect(cell).toContain(`deployment #${failedDeployment}`);
    expect(cell).toContain('pill-failed');
    expect(cell).toContain(`job #${failedJob}`);
  });

  it('the index shows the same outcome in its recent deliveries', async () => {
    const res = await h.get('/');
    const deliveries = res.text.slice(res.text.indexOf('id="recent-deliveries"'));
    expect(deliveries).toContain(`deployment #${failedDeployment}`);
  });

  it('the JSON twin carries the outcome of each job', async () => {
    const res = await h.get('/api/deliveries');
    const delivery = ((JSON.parse(res.text) as { items: unknown[] }).items as Array<{ jobIds: number[]; runs: unknown[] }>).find((d) => d.jobIds.includes(failedJob))!;
    expect(delivery.runs).toEqual([{ jobId: failedJob, deploymentId: failedDeployment, status: 'failed' }]);
  });
});
