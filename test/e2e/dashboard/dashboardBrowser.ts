import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { packageRoot } from '../../../src/packageRoot.js';

/** Where the dashboard tests leave their screenshots. */
export const SHOTS = join(packageRoot(), 'test-results', 'dashboard');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface DashboardBrowser {
  browser: Browser;
  page: Page;
  /** Console errors, uncaught exceptions and Content-Security-Policy violations of the page, in order. */
  consoleErrors: string[];
}

/** Headless Chromium (the system's) with one page of `height` pixels whose errors are collected. */
export async function openDashboardBrowser(height = 820): Promise<DashboardBrowser> {
  await mkdir(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1366, height } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  // Every Content-Security-Policy violation becomes a console error the tests see, whatever Chromium logs.
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  });
  return { browser, page, consoleErrors };
}

/** A full-page screenshot named `<name>.png` in {@link SHOTS}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Opens `base` + each hash and waits until its selector shows the view's data: a console check run
 * after it has seen every view with something in it, even when its test file runs alone.
 */
export async function visitViews(page: Page, base: string, views: Record<string, string>): Promise<void> {
  for (const [hash, selector] of Object.entries(views)) {
    await page.goto(`${base}${hash}`);
    await page.locator(selector).first().waitFor();
  }
}
