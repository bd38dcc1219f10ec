import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot, watchConsole } from './helpers/browser';

/*
 * The script waits at each step for a gate file the test creates, so "the log grows while
 * the script runs" is checked step by step without a single timing assumption.
 */
const SLOW_SCRIPT = `#!/bin/sh
G=../../gate
i=1
while [ $i -le 3 ]; do
  echo "step $i: working"
  echo "step $i: a warning" >&2
  n=0
  while [ ! -e "$G/$i" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
  i=$((i+1))
done
echo "all steps done"
`;

describe('live deployment log in a browser', () => {
  let h: ServerHarness;
  let browser: Browser;
  let gate: string;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start({ files: { 'deploy.sh': SLOW_SCRIPT } });
    gate = path.join(h.root, 'gate');
    fs.mkdirSync(gate);
  });
  afterAll(async () => {
    if (gate) for (const i of [1, 2, 3]) fs.writeFileSync(path.join(gate, String(i)), '');
    await browser?.close();
    await h?.close();
  });

  async function runningDeployment(): Promise<number> {
    for (let i = 0; i < 600; i++) {
      const d = h.store.lastDeployment('app', 'web1');
      if (d && d.status === 'running' && h.store.getLog(d.id).some((c) => c.text.includes('step 1'))) return d.id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the deployment never started running');
  }

  it('streams output while the script runs, then shows the final status', async () => {
    h.repo.commit({ 'index.html': 'v2' }, 'ship v2');
    expect((await h.pushWebhook('master')).status).toBe(202);
    const id = await runningDeployment();

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(`${h.url}/app/deployments/${id}`);
    await expect(page.locator('[data-field="status"] .pill').textContent()).resolves.toBe('running');
    await expect(page.locator('[data-field="live"]').isVisible()).resolves.toBe(true);
    await page.locator('#log .log-stdout', { hasText: 'step 1: working' }).waitFor();
    expect(await page.locator('#log', { hasText: 'step 2' }).count()).toBe(0);

    fs.writeFileSync(path.join(gate, '1'), '');
    await page.locator('#log .log-stdout', { hasText: 'step 2: working' }).waitFor();
    await page.locator('#log .log-stderr', { hasText: 'step 2: a warning' }).waitFor();
    await screenshot(page, 'deployment-live');

    fs.writeFileSync(path.join(gate, '2'), '');
    await page.locator('#log .log-stdout', { hasText: 'step 3: working' }).waitFor();
    fs.writeFileSync(path.join(gate, '3'), '');
    await page.locator('#log .log-stdout', { hasText: 'all steps done' }).waitFor();

    // the end event turns the page into the finished record without a reload
    await page.locator('[data-field="status"] .pill-succeeded').waitFor();
    await expect(page.locator('[data-field="live"]').isVisible()).resolves.toBe(false);
    await expect(page.locator('[data-field="exit"]').textContent()).resolves.toBe('code 0');
    await screenshot(page, 'deployment-live-finished');

    // every chunk exactly once, in order, and the same as a fresh load shows
    const seqs = (await page.locator('#log span').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))) as number[];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const live = await page.locator('#log').textContent();
    await page.reload();
    await expect(page.locator('#log').textContent()).resolves.toBe(live);
    expect(await page.locator('#log').getAttribute('data-events')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
    await h.idle();
  });
});
