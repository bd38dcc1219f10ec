import { ServerHarness } from '../helpers/server-harness';
import { HOSTILE, seedConfig, seedPush, seedDeployment, fakeSha } from '../browser/helpers/seed-history';

/** Every element a page may contain; anything else (an injected <img>, <svg>, <iframe>) fails the test. */
function injectedTags(html: string): string[] {
  const bad: string[] = [];
  for (const m of html.matchAll(/<(script|img|svg|iframe|b|h1)\b[^>]*>/gi)) {
    const tag = m[0];
    if (/^<script src="[^"]*\/static\/app\.js\?v=[^"]*" defer><\/?/i.test(tag + '</')) continue;
    if (/^<img src="[^"]*\/static\/favicon\.svg\?v=[^"]*" alt="" width="24" height="24">$/.test(tag)) continue;
    if (/^<img src="[^"]*\/badge\.svg" alt="deployment status badge" height="20">$/.test(tag)) continue;
    if (/^<h1( id="[a-z-]+")?>$/.test(tag)) continue;
    // the duration chart: its ids come from the repo name with every other character replaced
    if (/^<svg class="chart-svg" viewBox="0 0 \d+ 100" preserveAspectRatio="none" role="img" aria-labelledby="[\w-]+-title [\w-]+-desc" focusable="false">$/.test(tag)) continue;
    bad.push(tag);
  }
  return bad;
}

describe('pages: content and escaping', () => {
  let h: ServerHarness;
  let hostileDeployment: number;
  let failedDeployment: number;
  beforeAll(async () => {
    h = await ServerHarness.start();
    const { store } = h;
    seedConfig(store, 'app', h.location, { invalidAfter: true });
    seedPush(store, 'app', 'web1', {
      commits: [{ message: 'first feature\n\nwith a longer body', url: 'https://git.example.com/acme/app/commit/1' }],
      deployment: { status: 'succeeded', log: [['stdout', 'built ok\n']] },
    });
    const hostile = seedPush(store, 'app', 'web1', {
      branch: HOSTILE.branch,
      pusher: HOSTILE.pusher,
      commits: [{ message: HOSTILE.message, authorName: HOSTILE.author, url: HOSTILE.url }],
      deployment: { status: 'skipped', skipReason: `push to branch \`${HOSTILE.branch}\`; host web1 deploys \`master\``, log: [['stdout', HOSTILE.log]] },
    });
    hostileDeployment = hostile.deploymentId!;
    failedDeployment = seedPush(store, 'app', 'web1', {
      commits: [{ message: 'break the build' }],
      deployment: {
        status: 'failed',
        exitCode: 3,
        errorCode: 'IG_SCRIPT_FAILED',
        error: 'script ./deploy.sh exited with code 3',
        log: [
          ['system', 'running ./deploy.sh\n'],
          ['stdout', 'compiling\n'],
          ['stderr', 'error: missing semicolon\n'],
        ],
      },
    }).deploymentId!;
    seedDeployment(store, 'app', 'web1', { status: 'succeeded', commit: fakeSha(), trigger: 'poll' });
    store.recordDelivery({ repo: 'app', provider: 'github', event: 'push', outcome: 'accepted', statusCode: 202, reason: 'queued job 1', remoteAddr: '127.0.0.1' });
    store.recordDelivery({ repo: 'app', provider: 'github', event: 'push', outcome: 'rejected', statusCode: 401, reason: HOSTILE.reason, remoteAddr: '10.0.0.9' });
    store.recordDelivery({ repo: null, outcome: 'rejected', statusCode: 404, reason: 'no repository matches <x>' });
  });
  afterAll(() => h.close());

  it('the index lists the repo, its status and the recent deliveries', async () => {
    const res = await h.get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>Repositories on web1 · IntegralGit</title>');
    expect(res.text).toContain('href="/app"');
    expect(res.text).toContain('delivery-rejected');
    expect(res.text).toContain('&lt;a href=javascript:alert(7)&gt;click&lt;/a&gt;');
    expect(injectedTags(res.text)).toEqual([]);
  });

  it('the repo page escapes commit messages, authors, branches and pushers', async () => {
    const res = await h.get('/app');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>app · IntegralGit</title>');
    expect(res.text).toContain('&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;Fix &lt;b&gt;bold&lt;/b&gt;');
    expect(res.text).toContain('&lt;script&gt;window.__pwned=3&lt;/script&gt;Mallory');
    expect(res.text).toContain('feature/&lt;svg onload=alert(1)&gt;');
    expect(res.text).not.toMatch(/(href|src)="javascript:/i);
    expect(res.text).toContain('&#34;&gt;&lt;iframe src=javascript:alert(4)&gt;');
    expect(injectedTags(res.text)).toEqual([]);
  });

  it('the repo page links commits to the host only over http(s)', async () => {
    const res = await h.get('/app');
    expect(res.text).toContain('href="https://git.example.com/acme/app/commit/1"');
  });

  it('the config panel shows provenance, the raw config and the last error', async () => {
    const res = await h.get('/app');
    expect(res.text).toMatch(/<code>timeout<\/code>[\s\S]*?120[\s\S]*?group:web/);
    expect(res.text).toMatch(/<code>env.PORT<\/code>[\s\S]*?8080[\s\S]*?host:web1/);
    expect(res.text).toMatch(/<code>remote<\/code>[\s\S]*?origin[\s\S]*?default/);
    expect(res.text).toContain('The latest config is invalid.');
    expect(res.text).toContain('unknown key &#34;groups&#34; &lt;b&gt;(did you mean');
  });

  it('a deployment page shows the log with streams told apart, escaped', async () => {
    const res = await h.get(`/app/deployments/${failedDeployment}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<title>Deployment #${failedDeployment} · app · IntegralGit</title>`);
    expect(res.text).toMatch(/<span class="log-stderr" data-seq="\d+">error: missing semicolon\n<\/span>/);
    expect(res.text).toContain('The deployment failed: the script exited with code 3.');
    expect(res.text).not.toContain('data-events=');
    const hostile = await h.get(`/app/deployments/${hostileDeployment}`);
    expect(hostile.text).toContain('&lt;script&gt;window.__pwned=6&lt;/script&gt; &amp; &lt;/pre&gt;&lt;h1&gt;log&lt;/h1&gt;');
    expect(injectedTags(hostile.text)).toEqual([]);
  });

  it('the deliveries page filters by repo and outcome', async () => {
    const all = await h.get('/deliveries');
    expect(all.status).toBe(200);
    expect(all.text).toContain('no repository matches &lt;x&gt;');
    const rejected = await h.get('/deliveries?repo=app&outcome=rejected');
    expect(rejected.text).toContain('signature mismatch');
    expect(rejected.text).not.toContain('queued job 1');
    expect(rejected.text).not.toContain('no repository matches');
    const bad = await h.get('/deliveries?outcome=exploded');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('outcome must be one of');
  });
});
