import type { Browser, Locator } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot, watchConsole } from './helpers/browser';
import { seedConfig, seedDeployment, seedPush, fakeSha } from './helpers/seed-history';

// 12 finished deployments: 9 succeeded (4 s to 61 s), 2 failed, 1 skipped
const RUNS: Array<{ status: 'succeeded' | 'failed' | 'skipped'; durationMs: number }> = [
  4000, 4200, 3900, 61000, 4100, 4400, 0, 5200, 4300, 3800, 0, 4600,
].map((ms, i) => ({ status: i === 6 ? 'failed' : i === 10 ? 'skipped' : i === 3 ? 'failed' : 'succeeded', durationMs: ms || 900 }));

/** A computed style of the first element of `loc` (the tests compile without the DOM types). */
function styleOf(loc: Locator, prop: string): Promise<string> {
  return loc.first().evaluate((el, p) => String((globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p]), prop);
}

describe('history charts in a browser', () => {
  let h: ServerHarness;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start();
    const { store } = h;
    seedConfig(store, 'app', h.location);
    seedPush(store, 'app', 'web1', {
      commits: [{ message: 'Add the pricing page', url: 'https://git.example.com/acme/app/commit/a1' }],
      deployment: { status: 'succeeded', durationMs: 4000 },
    });
    for (const r of RUNS.slice(1)) {
      seedDeployment(store, 'app', 'web1', { status: r.status, commit: fakeSha(), durationMs: r.durationMs, ...(r.status === 'skipped' ? { skipReason: 'push to another branch' } : {}) });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('the repo page draws one bar per deployment, coloured by outcome, with readable labels and a text summary', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(h.url + '/app');
    await screenshot(page, 'repo-chart-light');
    const chart = page.locator('.outcomes .chart');
    expect(await chart.locator('rect.bar').count()).toBe(12);
    expect(await chart.locator('rect.bar-succeeded').count()).toBe(9);
    expect(await chart.locator('rect.bar-failed').count()).toBe(2);
    expect(await chart.locator('rect.bar-skipped').count()).toBe(1);
    // the slow outlier (61 s, failed) does not flatten the others: the scale stops at 3× the median (4.2 s)
    await expect(chart.locator('.chart-axis-max').textContent()).resolves.toBe('12.6 s');
    expect(await chart.locator('rect.bar-break').count()).toBe(1);
    await expect(chart.locator('.chart-clip-note').textContent()).resolves.toContain('cut at 12.6 s');
    const fontSize = parseFloat(await styleOf(chart.locator('.chart-axis-max'), 'fontSize'));
    expect(fontSize).toBeGreaterThanOrEqual(11);
    // accessible: the picture has a name and a description, and each bar a label and a link
    const svg = chart.locator('svg');
    expect(await svg.getAttribute('role')).toBe('img');
    await expect(svg.locator('desc').textContent()).resolves.toMatch(/^Last 12 deployments, oldest first: 9 succeeded, 2 failed, 1 skipped/);
    const firstLink = chart.locator('svg a').first();
    expect(await firstLink.getAttribute('aria-label')).toMatch(/^#\d+ succeeded in 4\.0 s · [0-9a-f]{10}$/);
    // bars take their colour from the stylesheet (CSP allows no inline style)
    const fill = await styleOf(chart.locator('rect.bar-failed'), 'fill');
    expect(fill).toBe('rgb(214, 69, 69)');
    // 7 and 30 days: 9 of 11 runs succeeded, median over the runs that ran
    const week = page.locator('.outcomes .stat[data-window="7"]');
    await expect(week.locator('.stat-rate').textContent()).resolves.toBe('82 %');
    await expect(week.locator('.stat-median').textContent()).resolves.toBe('4.2 s');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the index shows a sparkline and the 7/30-day figures per repo', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(h.url + '/');
    await screenshot(page, 'index-chart-light');
    const row = page.locator('tr.repo-row[data-repo="app"]');
    expect(await row.locator('.spark-cell rect.bar').count()).toBe(12);
    await expect(row.locator('.window-cell[data-window="30"] .stat-rate').textContent()).resolves.toBe('82 %');
    // a desktop screen is used: the table spans most of the width
    const width = await page.locator('.repo-table').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(1100);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('dark theme: bars stay visible against the card', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(h.url + '/app');
    await screenshot(page, 'repo-chart-dark');
    const fill = await styleOf(page.locator('.outcomes rect.bar-succeeded'), 'fill');
    expect(fill).toBe('rgb(76, 194, 122)');
    await page.goto(h.url + '/');
    await screenshot(page, 'index-chart-dark');
    await context.close();
  });

  it('at 375 px the chart and the index fit the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const [route, name] of [['/', 'index-chart-375'], ['/app', 'repo-chart-375']] as const) {
      await page.goto(h.url + route);
      await screenshot(page, name);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect({ route, overflow }).toEqual({ route, overflow: 0 });
    }
    const axisSize = parseFloat(await styleOf(page.locator('.chart-axis-max'), 'fontSize'));
    expect(axisSize).toBeGreaterThanOrEqual(11);
    await context.close();
  });
});
