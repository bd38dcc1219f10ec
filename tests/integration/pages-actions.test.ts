import { ServerHarness } from '../helpers/server-harness';

const ADMIN = { username: 'ops', password: 'pw-for-the-ui', token: 'tok-0123456789abcdef' };

function basic(user: string, pass: string): string {
  return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}

/** A page's CSRF cookie and the token its forms carry, as a browser would hold them. */
async function formSession(h: ServerHarness): Promise<{ cookie: string; token: string }> {
  const res = await fetch(h.url + '/app');
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  expect(setCookie).toMatch(/^ig_csrf=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict$/);
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return { cookie, token };
}

async function post(h: ServerHarness, route: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(h.url + route, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

describe('admin actions over HTTP', () => {
  let h: ServerHarness;
  let sha: string;
  beforeAll(async () => {
    h = await ServerHarness.start({ settings: { admin: ADMIN } });
    sha = h.repo.head('refs/heads/master');
  });
  afterAll(() => h.close());
  afterEach(() => h.idle());

  it('pages show the buttons with a CSRF token when admin is configured', async () => {
    const html = await (await fetch(h.url + '/app')).text();
    expect(html).toContain('action="/app/actions/deploy"');
    expect(html).toContain('admin actions enabled');
  });

  it('a form without credentials gets a basic-auth challenge for the admin realm and an HTML page saying why', async () => {
    const { cookie, token } = await formSession(h);
    const res = await post(h, '/app/actions/deploy', { _csrf: token }, { cookie, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="IntegralGit admin", charset="UTF-8"');
    expect(await res.text()).toContain('Admin login required');
    expect(h.store.queueDepth('app')).toBe(0);
  });

  it('wrong credentials are refused the same way', async () => {
    const { cookie, token } = await formSession(h);
    for (const auth of [basic(ADMIN.username, 'nope'), basic('someone', ADMIN.password), 'Bearer wrong-token', 'Basic !!!', 'Digest x']) {
      const res = await post(h, '/app/actions/deploy', { _csrf: token }, { cookie, authorization: auth });
      expect({ auth, status: res.status }).toEqual({ auth, status: 401 });
    }
  });

  it('the CSRF guard refuses a missing, forged or foreign token, a missing cookie and a cross-site request', async () => {
    const { cookie, token } = await formSession(h);
    const other = await formSession(h);
    const auth = basic(ADMIN.username, ADMIN.password);
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no token', {}, { cookie, authorization: auth }],
      ['forged token', { _csrf: 'forged' }, { cookie, authorization: auth }],
      ['token of another browser', { _csrf: other.token }, { cookie, authorization: auth }],
      ['no cookie', { _csrf: token }, { authorization: auth }],
      ['cross-site', { _csrf: token }, { cookie, authorization: auth, 'sec-fetch-site': 'cross-site' }],
      ['same-site sibling', { _csrf: token }, { cookie, authorization: auth, 'sec-fetch-site': 'same-site' }],
    ];
    for (const [name, form, headers] of cases) {
      const res = await post(h, '/app/actions/deploy', form, headers);
      expect({ name, status: res.status }).toEqual({ name, status: 403 });
      expect(await res.text()).toContain('Form rejected');
    }
    expect(h.store.queueDepth('app')).toBe(0);
  });

  it('a valid form with basic auth queues a UI deployment and sends the browser to the job page', async () => {
    const { cookie, token } = await formSession(h);
    const res = await post(h, '/app/actions/deploy', { _csrf: token }, { cookie, authorization: basic(ADMIN.username, ADMIN.password), 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/app\/jobs\/\d+$/);
    const jobId = Number(location.split('/').pop());
    expect(h.store.getJob(jobId)).toMatchObject({ repo: 'app', trigger: 'ui', targetCommit: null });
    await h.idle();
    // once the job has its deployment, the job page redirects there
    const job = await fetch(h.url + location, { redirect: 'manual' });
    expect(job.status).toBe(303);
    expect(job.headers.get('location')).toMatch(/^\/app\/deployments\/\d+$/);
  });

  it('the admin token works as the basic-auth password too', async () => {
    const { cookie, token } = await formSession(h);
    const res = await post(h, '/app/actions/deploy', { _csrf: token }, { cookie, authorization: basic(ADMIN.username, ADMIN.token) });
    expect(res.status).toBe(303);
  });

  it('a bearer token needs no CSRF token and gets JSON', async () => {
    const res = await post(h, '/app/actions/redeploy', { commit: sha }, { authorization: `Bearer ${ADMIN.token}`, accept: 'application/json' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job: number; targetCommit: string; url: string };
    expect(body).toMatchObject({ targetCommit: sha, url: `/app/jobs/${body.job}` });
    await h.idle();
    expect(h.store.getPin('app', 'web1')?.commit).toBe(sha);
    const unpin = await post(h, '/app/actions/unpin', {}, { authorization: `Bearer ${ADMIN.token}`, accept: 'application/json' });
    expect(unpin.status).toBe(200);
    expect(await unpin.json()).toEqual({ repo: 'app', host: 'web1', released: true });
    expect(h.store.getPin('app', 'web1')).toBeUndefined();
  });

  it('redeploy needs a commit id; unknown actions and repos are 404', async () => {
    const auth = { authorization: `Bearer ${ADMIN.token}`, accept: 'application/json' };
    expect((await post(h, '/app/actions/redeploy', {}, auth)).status).toBe(400);
    const bad = await post(h, '/app/actions/redeploy', { commit: '$(reboot)' }, auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('IG_USAGE');
    expect((await post(h, '/app/actions/explode', {}, auth)).status).toBe(404);
    const unknown = await post(h, '/nope/actions/deploy', {}, auth);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'IG_REPO_UNKNOWN' });
    const unknownPage = await post(h, '/nope/actions/deploy', {}, { authorization: auth.authorization });
    expect(unknownPage.status).toBe(404);
    expect(await unknownPage.text()).toContain('There is no repository named “nope”');
    // GET never acts
    expect((await fetch(h.url + '/app/actions/deploy')).status).toBe(404);
    expect(h.store.queueDepth('app')).toBe(0);
  });
});

describe('read-only UI (no admin in the settings)', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('shows no buttons, sets no cookie and refuses actions with 403', async () => {
    const res = await fetch(h.url + '/app');
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).not.toContain('/actions/');
    expect(html).not.toContain('method="post"');
    const action = await post(h, '/app/actions/deploy', {}, { accept: 'application/json' });
    expect(action.status).toBe(403);
    expect(await action.json()).toMatchObject({ code: 'IG_READ_ONLY' });
    expect(h.store.queueDepth('app')).toBe(0);
  });
});
