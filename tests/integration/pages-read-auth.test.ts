import { ServerHarness } from '../helpers/server-harness';

const READ = { username: 'viewer', password: 'read-only-pw' };
const ADMIN = { username: 'ops', password: 'admin-pw' };

function basic(user: string, pass: string): string {
  return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}

async function get(h: ServerHarness, route: string, auth?: string): Promise<Response> {
  return fetch(h.url + route, { headers: auth ? { authorization: auth } : {}, redirect: 'manual' });
}

describe('readAuth: pages and API behind basic auth', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start({ settings: { readAuth: READ, admin: ADMIN } });
  });
  afterAll(() => h.close());

  const protectedRoutes = ['/', '/app', '/deliveries', '/app/deployments/1', '/app/deployments/1/events', '/app/jobs/1', '/api/repos', '/api/repos/app', '/api/deliveries', '/nope'];

  it('asks for a login on every page and API route', async () => {
    for (const route of protectedRoutes) {
      const res = await get(h, route);
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="IntegralGit", charset="UTF-8"');
    }
    expect(await (await get(h, '/app')).text()).toContain('Login required');
    expect(await (await get(h, '/api/repos')).json()).toMatchObject({ code: 'IG_AUTH_REQUIRED' });
  });

  it('refuses wrong credentials', async () => {
    for (const auth of [basic(READ.username, 'wrong'), basic('viewer2', READ.password), 'Bearer ' + READ.password, basic(READ.username, '')]) {
      expect((await get(h, '/app', auth)).status).toBe(401);
    }
  });

  it('lets the read credentials and the admin credentials in', async () => {
    expect((await get(h, '/app', basic(READ.username, READ.password))).status).toBe(200);
    expect((await get(h, '/api/repos', basic(READ.username, READ.password))).status).toBe(200);
    expect((await get(h, '/app', basic(ADMIN.username, ADMIN.password))).status).toBe(200);
  });

  it('read credentials are not admin credentials', async () => {
    const read = basic(READ.username, READ.password);
    const page = await get(h, '/app', read);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const res = await fetch(h.url + '/app/actions/deploy', {
      method: 'POST',
      headers: { authorization: read, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/realm="IntegralGit admin"/);
    expect(h.store.queueDepth('app')).toBe(0);
  });

  it('leaves webhooks, health, metrics, static files and the badge open', async () => {
    expect((await get(h, '/healthz')).status).toBe(200);
    expect((await get(h, '/metrics')).status).toBe(200);
    expect((await get(h, '/static/app.css')).status).toBe(200);
    expect((await get(h, '/static/favicon.svg')).status).toBe(200);
    expect((await get(h, '/app/badge.svg')).status).toBe(200);
    const hook = await h.pushWebhook('master');
    expect(hook.status).toBe(202);
    await h.idle();
  });
});
