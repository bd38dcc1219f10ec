import { ServerHarness } from '../helpers/server-harness';
import { shortSha } from '../../lib/history/commit-text';
import { seedConfig, seedDeployment, fakeSha } from '../browser/helpers/seed-history';

describe('pages and API: health, revert and release (SPEC §10)', () => {
  let h: ServerHarness;
  let reverted: number;
  let plain: number;
  const good = fakeSha();
  const bad = fakeSha();
  beforeAll(async () => {
    h = await ServerHarness.start();
    seedConfig(h.store, 'app', h.location);
    plain = seedDeployment(h.store, 'app', 'web1', { status: 'succeeded', commit: good });
    reverted = seedDeployment(h.store, 'app', 'web1', { status: 'failed', commit: bad, errorCode: 'IG_HEALTH_FAILED', error: 'health check did not pass within 60s' });
    h.store.updateDeployment(reverted, { health: 'failed', revertedTo: good, release: `20260107031500-${bad.slice(0, 12)}` });
  });
  afterAll(() => h.close());

  it('a deployment that reverted says so in one sentence at the top, with its health and release', async () => {
    const res = await h.get(`/app/deployments/${reverted}`);
    expect(res.status).toBe(200);
    const html = res.text;
    const sentence = /<p class="banner banner-error" data-field="reverted"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1].replace(/<[^>]+>/g, '');
    expect(sentence).toBe(
      `This deployment failed its health check and the host was reverted to ${shortSha(good)}, the last commit that passed; ${shortSha(bad)} is not deployed again until a new push or a trigger.`,
    );
    expect(html).toMatch(/data-field="health"><span class="tag tag-warn">failed</);
    expect(html).toContain(`20260107031500-${bad.slice(0, 12)}`);
    const other = await h.get(`/app/deployments/${plain}`);
    expect(other.text).not.toContain('data-field="reverted"');
    expect(other.text).toMatch(/data-field="health"><span class="muted">no check</);
  });

  it('the history page lists health, revert and release; the API carries them', async () => {
    const page = await h.get('/app');
    expect(page.text).toContain('health failed');
    expect(page.text).toContain('reverted to');
    const api = await h.get('/api/repos/app');
    const body = JSON.parse(api.text) as { deployments: { id: number; health: string; revertedTo: string | null; release: string | null }[] };
    expect(body.deployments.find((d) => d.id === reverted)).toMatchObject({ health: 'failed', revertedTo: good, release: expect.stringMatching(/^\d{14}-/) });
    expect(body.deployments.find((d) => d.id === plain)).toMatchObject({ health: 'none', revertedTo: null, release: null });
  });
});
