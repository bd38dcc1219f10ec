import http from 'node:http';
import { ServerHarness } from '../helpers/server-harness';
import { seedDeployment } from '../browser/helpers/seed-history';

/** GET with the path sent byte for byte (fetch would normalise `%2e%2e` and `..` away). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pages: routing, errors, headers, badge', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('an unknown repo is an HTML 404 naming it, escaped', async () => {
    const res = await h.get('/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('There is no repository named “&lt;script&gt;alert(1)&lt;/script&gt;”');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).toContain('<title>Unknown repository · IntegralGit</title>');
  });

  it('path tricks land on a 404, never on a file', async () => {
    for (const route of ['/..%2f..%2fetc', '/..%2f..%2fetc%2fpasswd', '/%2e%2e', '/app/..%2f..%2fsettings.json', '/static/..%2f..%2fpackage.json', '/static/../package.json', '/static/%2e%2e/package.json', '/../../etc/passwd', '/APP']) {
      const res = await rawGet(h.url, route);
      expect({ route, status: res.status }).toEqual({ route, status: 404 });
      expect(res.text).not.toContain('"dependencies"');
      expect(res.text).not.toContain('root:');
    }
    expect((await h.get('/%E0%A4%A')).status).toBe(400);
  });

  it('unknown deployments, jobs and pages are 404 pages; bad filters and cursors are 400 pages', async () => {
    for (const route of ['/app/deployments/999999', '/app/deployments/abc', '/app/deployments/0', '/app/jobs/424242', '/app/nothing/here']) {
      const res = await h.get(route);
      expect({ route, status: res.status }).toEqual({ route, status: 404 });
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    for (const route of ['/app?status=exploded', '/app?pushesBefore=abc', '/app?deploymentsBefore=1e9', '/deliveries?before=x', '/deliveries?outcome=x']) {
      const res = await h.get(route);
      expect({ route, status: res.status }).toEqual({ route, status: 400 });
      expect(res.text).toContain('Bad request');
    }
  });

  it('sends the security headers: CSP without inline script, nosniff, no framing', async () => {
    const res = await h.get('/app');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache, private');
    // nothing inline for the CSP to block
    expect(res.text).not.toMatch(/<script>(?!<)/);
    expect(res.text).not.toMatch(/\sstyle="/);
    expect(res.text).not.toMatch(/\son[a-z]+="/);
  });

  it('serves the stylesheet, the script and the favicon', async () => {
    const css = await h.get('/static/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.text).toContain('prefers-color-scheme: dark');
    expect((await h.get('/static/app.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await h.get('/static/favicon.svg')).headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect((await h.get('/static/missing.css')).status).toBe(404);
    const ico = await fetch(h.url + '/favicon.ico', { redirect: 'manual' });
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe('/static/favicon.svg');
  });

  it('the badge shows the last deployment on this host, uncached', async () => {
    const never = await h.get('/app/badge.svg');
    expect(never.status).toBe(200);
    expect(never.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(never.headers.get('cache-control')).toBe('no-cache');
    expect(never.text).toContain('never deployed');
    const id = seedDeployment(h.store, 'app', 'web1', { status: 'failed' });
    const failed = await h.get('/app/badge.svg');
    expect(failed.text).toContain('>failed</text>');
    expect(failed.text).toContain('#e05d44');
    // a deployment recorded by another host name does not count for this one
    seedDeployment(h.store, 'app', 'web9', { status: 'succeeded' });
    expect((await h.get('/app/badge.svg')).text).toContain('>failed</text>');
    expect(id).toBeGreaterThan(0);
    const unknown = await h.get('/nope/badge.svg');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('unknown repo');
  });

  it('a job page waits for its deployment with a refresh, then redirects to it', async () => {
    const jobId = h.store.enqueueJob({ repo: 'app', branch: null, trigger: 'ui' });
    const waiting = await h.get(`/app/jobs/${jobId}`);
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain('<meta http-equiv="refresh" content="2">');
    expect(waiting.text).toContain('is queued');
    h.server.ctx.queue.kick('app');
    await h.idle();
    const done = await fetch(`${h.url}/app/jobs/${jobId}`, { redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/app/deployments/${h.store.getJob(jobId)!.deploymentId}`);
  });

  it('the repo page paginates pushes and deployments with "Older" links that keep the filters', async () => {
    for (let i = 0; i < 50; i++) seedDeployment(h.store, 'app', 'web1', { status: i % 2 ? 'succeeded' : 'skipped', branch: 'master' });
    const first = await h.get('/app?status=succeeded');
    const older = /href="(\/app\?[^"]*deploymentsBefore=\d+[^"]*)" rel="next"/.exec(first.text)?.[1].replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    expect(older).toContain('status=succeeded');
    const second = await h.get(older!);
    expect(second.status).toBe(200);
    expect(second.text).toContain('↑ Newest');
  });
});
