import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ServerHarness } from '../helpers/server-harness';
import { launchChromium, screenshot } from './helpers/browser';

const ADMIN = { username: 'ops', password: 'correct horse battery staple' };

describe('admin actions in a browser', () => {
  let h: ServerHarness;
  let browser: Browser;
  let first: string;
  let firstDeployment: number;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await ServerHarness.start({ settings: { admin: ADMIN } });
    first = h.repo.commit({ 'index.html': 'v1' }, 'ship v1');
    await h.pushWebhook('master');
    await h.idle();
    firstDeployment = h.store.lastDeployment('app', 'web1')!.id;
    h.repo.commit({ 'index.html': 'v2' }, 'ship v2');
    await h.pushWebhook('master');
    await h.idle();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('without credentials the redeploy button gets a login challenge and queues nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${h.url}/app/deployments/${firstDeployment}`);
    const jobsBefore = h.store.listJobs('app').length;
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/actions/redeploy')), page.getByRole('button', { name: 'Redeploy this commit' }).click()]);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toMatch(/^Basic realm="IntegralGit admin"/);
    // the browser now shows its login prompt (the 401 page behind it is checked in pages-actions.test.ts)
    expect(h.store.listJobs('app').length).toBe(jobsBefore);
    await context.close();
  });

  it('with wrong credentials it is refused too', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.username, password: 'wrong' } });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${h.url}/app/deployments/${firstDeployment}`);
    const jobsBefore = h.store.listJobs('app').length;
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/actions/redeploy') && r.status() === 401), page.getByRole('button', { name: 'Redeploy this commit' }).click()]);
    expect(response.status()).toBe(401);
    expect(h.store.listJobs('app').length).toBe(jobsBefore);
    await context.close();
  });

  it('with the admin credentials it rolls back to that commit and pins the host', async () => {
    const context = await browser.newContext({ httpCredentials: ADMIN, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${h.url}/app/deployments/${firstDeployment}`);
    await page.getByRole('button', { name: 'Redeploy this commit' }).click();
    // job page (while queued), then the new deployment's page
    await page.waitForURL(/\/app\/deployments\/\d+$/);
    await page.locator('[data-field="status"] .pill-succeeded').waitFor();
    const newId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(newId).toBeGreaterThan(firstDeployment);
    const d = h.store.getDeployment(newId)!;
    expect(d).toMatchObject({ trigger: 'ui', commit: first, status: 'succeeded' });
    expect(fs.readFileSync(path.join(h.location, 'index.html'), 'utf8')).toBe('v1');
    expect(h.store.getPin('app', 'web1')?.commit).toBe(first);

    await page.goto(`${h.url}/app`);
    await page.locator('.banner-pin', { hasText: 'Pinned.' }).waitFor();
    await screenshot(page, 'repo-pinned');
    // unpin, then "Deploy now" brings the branch head back
    await page.locator('.banner-pin').getByRole('button', { name: 'Unpin' }).click();
    await page.waitForURL(/\/app$/);
    expect(await page.locator('.banner-pin').count()).toBe(0);
    expect(h.store.getPin('app', 'web1')).toBeUndefined();
    await page.getByRole('button', { name: 'Deploy now' }).click();
    await page.waitForURL(/\/app\/deployments\/\d+$/);
    await page.locator('[data-field="status"] .pill-succeeded').waitFor();
    expect(fs.readFileSync(path.join(h.location, 'index.html'), 'utf8')).toBe('v2');
    await context.close();
    await h.idle();
  });

  it('the buttons carry a CSRF token; a form posted without it is refused', async () => {
    const context = await browser.newContext({ httpCredentials: ADMIN });
    const page = await context.newPage();
    await page.goto(`${h.url}/app`);
    const token = await page.locator('form[action$="/actions/deploy"] input[name="_csrf"]').getAttribute('value');
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // strip the token and submit: the server refuses before asking for a password
    await page.locator('form[action$="/actions/deploy"] input[name="_csrf"]').evaluate((el) => el.setAttribute('value', 'forged'));
    page.on('dialog', (d) => void d.accept());
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/actions/deploy')), page.getByRole('button', { name: 'Deploy now' }).click()]);
    expect(response.status()).toBe(403);
    await page.getByRole('heading', { name: 'Form rejected' }).waitFor();
    await context.close();
  });
});
