import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot, watchConsole } from './helpers/browser';

// The script waits for a gate file the test creates: "while it runs" is a state, not a timing guess.
const GATED_SCRIPT = `#!/bin/sh
echo "working"
n=0
while [ ! -e ../../gate/go ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
echo "done"
`;

describe('index, repo and deployment pages update live', () => {
  let h: ServerHarness;
  let browser: Browser;
  let gate: string;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start({ files: { 'deploy.sh': GATED_SCRIPT } });
    gate = path.join(h.root, 'gate');
    fs.mkdirSync(gate);
  });
  afterAll(async () => {
    if (gate) fs.writeFileSync(path.join(gate, 'go'), '');
    await browser?.close();
    await h?.close();
  });

  it('a push shows up on the open index and repo page without a reload, and ends green', async () => {
    const index = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const repo = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = [...watchConsole(index), ...watchConsole(repo)];
    await index.goto(h.url + '/');
    await repo.goto(h.url + '/app');
    await expect(index.locator('tr[data-repo="app"] [data-field="last-pill"] .pill').textContent()).resolves.toBe('never deployed');
    expect(await repo.locator('ol[data-live-list="app"] li').count()).toBe(0);

    h.repo.commit({ 'index.html': 'v2' }, 'ship v2');
    expect((await h.pushWebhook('master')).status).toBe(202);
    // running: both pages follow without a reload
    await index.locator('tr[data-repo="app"] [data-field="last-pill"] .pill-running').waitFor({ timeout: 15_000 });
    await repo.locator('ol[data-live-list="app"] li.deploy-row .pill-running').waitFor({ timeout: 15_000 });
    await repo.locator('[data-field="last-pill"] .pill-running').waitFor();
    const id = h.store.lastDeployment('app', 'web1')!.id;
    await expect(repo.locator('ol[data-live-list="app"] li.deploy-row .deploy-id').first().textContent()).resolves.toBe(`#${id}`);
    await screenshot(index, 'live-index-running');

    // the deployment page counts the time and lists the steps as they come
    const dep = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await dep.goto(`${h.url}/app/deployments/${id}`);
    const first = await dep.locator('[data-field="duration"]').textContent();
    expect(first).toMatch(/ so far$/);
    // polled from here: an in-page waitForFunction is eval, which the page's CSP (rightly) forbids
    const deadline = Date.now() + 5000;
    while ((await dep.locator('[data-field="duration"]').textContent()) === first) {
      if (Date.now() > deadline) throw new Error('the elapsed-time counter did not move within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await dep.locator('[data-field="steps"] li').count()).toBeGreaterThan(0);
    await screenshot(dep, 'live-deployment-running');

    fs.writeFileSync(path.join(gate, 'go'), '');
    await index.locator('tr[data-repo="app"] [data-field="last-pill"] .pill-succeeded').waitFor({ timeout: 20_000 });
    await repo.locator(`ol[data-live-list="app"] li[data-id="${id}"] .pill-succeeded`).waitFor({ timeout: 20_000 });
    await dep.locator('[data-field="status"] .pill-succeeded').waitFor({ timeout: 20_000 });
    await expect(dep.locator('[data-field="duration"]').textContent()).resolves.not.toMatch(/so far/);
    await screenshot(repo, 'live-repo-done');
    expect(problems).toEqual([]);
  }, 120_000);

  it('/-/events refuses an unknown repo', async () => {
    const res = await fetch(h.url + '/-/events?repo=nope');
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
