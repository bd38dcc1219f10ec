import type { Browser } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot, screenshotParts, watchConsole } from './helpers/browser';
import { HOSTILE, seedConfig, seedDeployment, seedPush, fakeSha } from './helpers/seed-history';

describe('pages in a browser', () => {
  let h: ServerHarness;
  let browser: Browser;
  let failedId: number;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start();
    const { store } = h;
    seedConfig(store, 'app', h.location, { invalidAfter: true });
    seedPush(store, 'app', 'web1', {
      commits: [
        { message: 'Add the pricing page\n\nWith a table of plans and a FAQ.\nCloses #12.', url: 'https://git.example.com/acme/app/commit/a1' },
        { message: 'Fix typo in footer', authorName: 'Grace Hopper' },
      ],
      deployment: { status: 'succeeded', log: [['stdout', 'built in 3.1s\n']], durationMs: 8300 },
    });
    seedPush(store, 'app', 'web1', {
      branch: HOSTILE.branch,
      pusher: HOSTILE.pusher,
      commits: [{ message: HOSTILE.message, authorName: HOSTILE.author, url: HOSTILE.url }],
      deployment: { status: 'skipped', skipReason: `push to branch \`${HOSTILE.branch}\`; host web1 deploys \`master\`` },
    });
    failedId = seedPush(store, 'app', 'web1', {
      commits: [{ message: 'Upgrade the database driver' }],
      deployment: {
        status: 'failed',
        exitCode: 3,
        errorCode: 'IG_SCRIPT_FAILED',
        error: 'script ./deploy.sh exited with code 3',
        log: [
          ['system', 'running ./deploy.sh in /srv/www/app (timeout 600s)\n'],
          ['stdout', 'npm ci\nadded 312 packages in 9s\n'],
          ['stderr', 'Error: Cannot find module "pg-native"\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)\n'],
          ['stdout', HOSTILE.log],
        ],
      },
    }).deploymentId!;
    seedDeployment(store, 'app', 'web1', { status: 'succeeded', commit: fakeSha(), trigger: 'poll', durationMs: 61_000 });
    store.recordDelivery({ repo: 'app', provider: 'github', event: 'push', outcome: 'accepted', statusCode: 202, reason: 'queued job 3', remoteAddr: '140.82.115.4', jobIds: [3] });
    store.recordDelivery({ repo: 'app', provider: 'github', event: 'push', outcome: 'rejected', statusCode: 401, reason: HOSTILE.reason, remoteAddr: '10.0.0.9' });
    store.recordDelivery({ repo: 'app', provider: 'gitlab', event: 'Tag Push Hook', outcome: 'ignored', statusCode: 202, reason: 'tag pushes are not deployed' });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('the index shows the repo card and the deliveries, with no script errors (CSP holds)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(h.url + '/');
    await screenshot(page, 'index-light');
    await page.locator('.repo-row .repo-name a', { hasText: 'app' }).waitFor();
    await page.locator('.delivery-rejected').first().waitFor();
    // times are rewritten by the script into the viewer's zone, UTC kept in the title
    const title = await page.locator('time[data-time]').first().getAttribute('title');
    expect(title).toMatch(/UTC$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the repo page shows hostile strings as text and injects nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(h.url + '/app');
    await screenshot(page, 'repo-light');
    await expect(page.locator('.author', { hasText: 'Mallory' }).textContent()).resolves.toBe(HOSTILE.author);
    await expect(page.locator('.tag-branch', { hasText: 'feature/' }).first().textContent()).resolves.toBe(HOSTILE.branch);
    const subject = await page.locator('.msg-subject', { hasText: 'Fix' }).first().textContent();
    expect(subject).toBe(HOSTILE.message.split('\n')[0]);
    expect(await page.locator('main img[src="x"], main script, main svg:not(.chart-svg), main iframe, main b').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    // the hostile commit url is not a link
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    // the body of a long message is behind <details>
    const details = page.locator('details.msg', { hasText: 'Add the pricing page' });
    await expect(details.locator('.msg-body').isVisible()).resolves.toBe(false);
    await details.locator('summary').click();
    await expect(details.locator('.msg-body').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the deployment page tells stderr from stdout and says what went wrong', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${h.url}/app/deployments/${failedId}`);
    await screenshot(page, 'deployment-failed-light');
    await expect(page.locator('.log-stderr').first().textContent()).resolves.toContain('Cannot find module');
    await expect(page.locator('.explain-headline').textContent()).resolves.toBe('The deployment failed: the script exited with code 3.');
    await expect(page.locator('.log-stdout', { hasText: '</pre>' }).textContent()).resolves.toBe(HOSTILE.log);
    expect(await page.locator('main h1').count()).toBe(1);
    await page.close();
  });

  it('dark theme follows the OS setting', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(h.url + '/app');
    await screenshot(page, 'repo-dark');
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(14, 17, 23)');
    await page.goto(h.url + '/');
    await screenshot(page, 'index-dark');
    await page.goto(`${h.url}/app/deployments/${failedId}`);
    await screenshot(page, 'deployment-failed-dark');
    await context.close();
  });

  it('is readable at 375 px: nothing is wider than the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const [route, name] of [['/', 'index-375'], ['/app', 'repo-375'], [`/app/deployments/${failedId}`, 'deployment-375'], ['/deliveries', 'deliveries-375']] as const) {
      await page.goto(h.url + route);
      await screenshot(page, name);
      await screenshotParts(page, name);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect({ route, overflow }).toEqual({ route, overflow: 0 });
    }
    await context.close();
  });

  it('keyboard users can reach the main content and see where focus is', async () => {
    const page = await browser.newPage();
    await page.goto(h.url + '/app');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe('Skip to content');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    // every form control has a label
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input:not([type=hidden]), select')].filter((el) => !el.labels || el.labels.length === 0).length",
    );
    expect(unlabelled).toBe(0);
    await page.close();
  });
});
