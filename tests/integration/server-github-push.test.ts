import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness } from '../helpers/server-harness';

describe('a signed GitHub push, end to end', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('answers 202 with the job, deploys the commit and runs the script', async () => {
    const sha = h.repo.commit({ 'index.html': '<h1>v2</h1>' }, 'ship v2');
    const res = await h.pushWebhook('master');
    expect(res.status).toBe(202);
    expect(res.body.jobs).toHaveLength(1);
    await h.idle();
    expect(fs.readFileSync(path.join(h.location, 'index.html'), 'utf8')).toBe('<h1>v2</h1>');
    const api = await h.get('/api/repos/app');
    const body = JSON.parse(api.text);
    expect(body.name).toBe('app');
    expect(body.commits[0]).toMatchObject({ id: sha, message: 'ship v2', author: 'Test Author', branch: 'master' });
    expect(body.deployments[0]).toMatchObject({ status: 'succeeded', commit: sha, trigger: 'webhook', exitCode: 0 });
    const detail = JSON.parse((await h.get(`/api/repos/app/deployments/${body.deployments[0].id}`)).text);
    expect(detail.log.map((c: { text: string }) => c.text).join('')).toContain(`deployed ${sha}`);
  });
});
