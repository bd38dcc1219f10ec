import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'screenshots');

/**
 * Debian's Chromium, headless. A missing browser is a failure with the fix in the message,
 * never a silent skip: CI installs it, and a green run without these tests would lie.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Full-page screenshot under tests/screenshots/ (git-ignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects errors a page logs (CSP violations show up here) and uncaught exceptions. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

/** A tall page in screen-sized parts (`name-1.png`, `name-2.png`, …), easier to look at than one long strip. */
export async function screenshotParts(page: Page, name: string, partHeight = 900): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  const width = Number(await page.evaluate('document.documentElement.clientWidth'));
  const files: string[] = [];
  for (let y = 0, i = 1; y < height && i <= 8; y += partHeight, i++) {
    const file = path.join(SCREENSHOTS, `${name}-${i}.png`);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width, height: Math.min(partHeight, height - y) } });
    files.push(file);
  }
  return files;
}
