import type { Browser } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot, watchConsole } from './helpers/browser';
import { HOSTILE, seedDeployment, seedPush } from './helpers/seed-history';

describe('history search in a browser', () => {
  let h: ServerHarness;
  let browser: Browser;
  let loginSha: string;
  let loginDeployment: number;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start();
    const { store } = h;
    for (let i = 1; i <= 4; i++) {
      seedPush(store, 'app', 'web1', { commits: [{ message: `Tune the cache, step ${i}\n\nWith a body.` }], deployment: { status: 'succeeded', durationMs: 3000 + i * 100 } });
    }
    const login = seedPush(store, 'app', 'web1', {
      pusher: 'grace',
      commits: [{ message: 'Fix the login form for long e-mail addresses', authorName: 'Grace Hopper', url: 'https://git.example.com/acme/app/commit/x' }],
      deployment: { status: 'failed', exitCode: 1, error: 'script ./deploy.sh exited with code 1' },
    });
    loginSha = login.shas[0];
    loginDeployment = login.deploymentId!;
    // redeployed later by hand: the sha search lists both deployments
    seedDeployment(store, 'app', 'web1', { status: 'succeeded', commit: loginSha, trigger: 'ui' });
    seedPush(store, 'app', 'web1', { commits: [{ message: HOSTILE.message, authorName: HOSTILE.author }] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('the search box on the repo page finds commits by a message word, with their deployments', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(h.url + '/app');
    await page.getByLabel('Search commits').fill('cache');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/app\/search\?q=cache$/);
    await screenshot(page, 'search-word-light');
    expect(await page.locator('.search-hit').count()).toBe(4);
    await expect(page.locator('.search-hit .msg-subject').first().textContent()).resolves.toBe('Tune the cache, step 4');
    expect(await page.locator('.search-hit').first().locator('.pill-succeeded').count()).toBe(1);
    await expect(page.getByLabel('Search commits').inputValue()).resolves.toBe('cache');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('finds by author and by sha prefix (the commit and every deployment of it)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(h.url + '/app/search?q=hopper');
    await expect(page.locator('.search-hit .author').allTextContents()).resolves.toEqual(['Grace Hopper']);
    await page.goto(`${h.url}/app/search?q=${loginSha.slice(0, 10)}`);
    await screenshot(page, 'search-sha-light');
    await expect(page.locator('.search-hit .msg-subject').allTextContents()).resolves.toEqual(['Fix the login form for long e-mail addresses']);
    const ids = await page.locator('section[aria-labelledby="sha-deploys-title"] .deploy-id').allTextContents();
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(`#${loginDeployment}`);
    await page.close();
  });

  it('shows hostile commit text as text, and refuses an unsearchable query with a clear page', async () => {
    const page = await browser.newPage();
    await page.goto(h.url + '/app/search?q=bold');
    await expect(page.locator('.search-hit .author').textContent()).resolves.toBe(HOSTILE.author);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    const res = await page.goto(h.url + '/app/search?q=' + encodeURIComponent('"" ** --'));
    expect(res?.status()).toBe(400);
    await expect(page.locator('main').textContent()).resolves.toContain('nothing to search for');
    await page.close();
  });

  it('fits a 375 px screen and reads in dark mode', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(h.url + '/app/search?q=the');
    await screenshot(page, 'search-375-dark');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await context.close();
  });
});
