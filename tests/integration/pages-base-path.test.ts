import { ServerHarness } from '../helpers/server-harness';
import { seedConfig, seedPush } from '../browser/helpers/seed-history';

/** Every link, image, script, stylesheet and form target on a page. */
function urlsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action|data-events)="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

describe('pages under basePath (behind a reverse proxy)', () => {
  let h: ServerHarness;
  let deploymentId: number;
  beforeAll(async () => {
    h = await ServerHarness.start({ settings: { basePath: '/ci/deploy', admin: { username: 'ops', password: 'pw' } } });
    seedConfig(h.store, 'app', h.location);
    deploymentId = seedPush(h.store, 'app', 'web1', {
      commits: [{ message: 'x', url: 'https://git.example.com/c/1' }],
      deployment: { status: 'running', log: [['stdout', 'hi\n']] },
    }).deploymentId!;
    h.store.recordDelivery({ repo: 'app', outcome: 'accepted', statusCode: 202, jobIds: [1] });
  });
  afterAll(async () => {
    h.store.updateDeployment(deploymentId, { status: 'succeeded', finishedAt: new Date().toISOString() });
    await h.close();
  });

  it('the server URL carries the prefix', () => {
    expect(new URL(h.url).pathname).toBe('/ci/deploy');
  });

  it('every URL on every page stays under the prefix (or is the git host)', async () => {
    for (const route of ['/', '/app', `/app/deployments/${deploymentId}`, '/deliveries', '/nope']) {
      const res = await h.get(route);
      const urls = urlsOf(res.text);
      expect(urls.length).toBeGreaterThan(3);
      for (const url of urls) {
        const ok = url.startsWith('/ci/deploy/') || url === '#main' || url.startsWith('#') || url === 'https://git.example.com/c/1';
        expect({ route, url, ok }).toEqual({ route, url, ok: true });
      }
    }
  });

  it('the static files, the stream and the actions answer under the prefix only', async () => {
    expect((await h.get('/static/app.css')).status).toBe(200);
    const html = (await h.get(`/app/deployments/${deploymentId}`)).text;
    expect(html).toContain(`data-events="/ci/deploy/app/deployments/${deploymentId}/events"`);
    expect(html).toContain('action="/ci/deploy/app/actions/redeploy"');
    const root = new URL(h.url).origin;
    expect((await fetch(root + '/app')).status).toBe(404);
    expect((await fetch(root + '/static/app.css')).status).toBe(404);
  });

  it('the CSRF cookie is scoped to the prefix', async () => {
    const res = await fetch(h.url + '/app');
    expect(res.headers.get('set-cookie')).toContain('Path=/ci/deploy;');
  });

  it('redirects keep the prefix', async () => {
    const ico = await fetch(h.url + '/favicon.ico', { redirect: 'manual' });
    expect(ico.headers.get('location')).toBe('/ci/deploy/static/favicon.svg');
  });
});
