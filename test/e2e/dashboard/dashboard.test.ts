import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { packageRoot } from '../../../src/packageRoot.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { disposeTestDatabase, openTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from '../../integration/api/apiTestApp.js';
import { LATENCY_METRIC, seedApiData, TRACE_ID, WORKFLOW_ID } from '../../integration/api/seedApiData.js';

const SHOTS = join(packageRoot(), 'test-results', 'dashboard');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Running {
  db: Database;
  server: Server;
  url: string;
}

async function startServer(seed: boolean): Promise<Running> {
  const db = await openTestDatabase();
  // The browser picks "last hour" from its own clock: seed around the real now.
  const clock = new ManualClock(Date.now());
  if (seed) await seedApiData(db, clock);
  const app = createTestApp(db, clock, { webRoot: join(packageRoot(), 'web') });
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { db, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function stopServer(running: Running | undefined): Promise<void> {
  if (!running) return;
  running.server.closeAllConnections();
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
  await disposeTestDatabase(running.db);
}

let browser: Browser;
let seeded: Running;
let empty: Running;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  [seeded, empty] = await Promise.all([startServer(true), startServer(false)]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([stopServer(seeded), stopServer(empty)]);
});

async function open(hash: string, base = seeded.url): Promise<void> {
  await page.goto(`${base}${hash}`);
  await page.waitForSelector('main .view');
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('dashboard in headless Chromium', () => {
  it('lists traces and filters them from the URL', async () => {
    await open('#/traces');
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.locator('table.traces tbody tr').count()).toBe(2);
    await shot('traces');
    await open('#/traces?status=error');
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.locator('table.traces tbody tr').count()).toBe(1);
    expect(await page.locator('select[name=status]').inputValue()).toBe('error');
  });

  it('shows the known trace as a nested waterfall with span details on click', async () => {
    await open('#/traces');
    await page.locator('a.trace-link', { hasText: 'GET /orders' }).click();
    await page.waitForSelector('.wf-row');
    const rows = await page
      .locator('.wf-row')
      .evaluateAll((els) =>
        els.map((el) => [
          el.querySelector('.op')?.textContent,
          Number(el.getAttribute('data-depth')),
          el.classList.contains('error'),
        ]),
      );
    expect(rows).toEqual([
      ['GET /orders', 0, false],
      ['load order', 1, false],
      ['SELECT orders', 2, false],
      ['charge card', 1, true],
    ]);
    expect(page.url()).toContain(`#/traces/${TRACE_ID}`);
    await page.locator('.wf-row', { hasText: 'charge card' }).focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('card declined');
    expect(await detail.textContent()).toContain('exception');
    expect(page.url()).toContain('span=a000000000000004');
    await shot('trace-waterfall');
    await page.keyboard.press('Escape');
    await page.waitForFunction("!location.hash.includes('span=')");
  });

  it('charts a known metric with its percentile lines', async () => {
    await open(`#/metrics?name=${LATENCY_METRIC}&groupBy=route`);
    const charts = page.getByTestId('chart');
    await charts.first().waitFor();
    expect(await charts.count()).toBe(2);
    const points = await charts.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-points'))));
    expect(points[0]).toBeGreaterThan(10);
    expect(points[1]).toBeGreaterThan(0);
    // The canvas has drawn lines: count pixels that are not background.
    const drawn = await page.evaluate(`(() => {
      const canvas = document.querySelector('figure.chart canvas');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
      return count;
    })()`);
    expect(drawn).toBeGreaterThan(500);
    expect(await page.locator('.chart .u-legend').first().textContent()).toContain('route=/orders');
    await shot('metrics');
  });

  it('shows a workflow timeline matching the stored history, linked to its trace', async () => {
    await open('#/workflows');
    await page.locator('a', { hasText: 'order_pipeline' }).click();
    await page.getByTestId('history-entry').first().waitFor();
    const shown = await page.getByTestId('history-entry').evaluateAll((els) =>
      els.map((el) => ({
        version: Number(el.getAttribute('data-version')),
        text: el.textContent ?? '',
      })),
    );
    const stored = await new WorkflowStateTracker(seeded.db).getHistory(WORKFLOW_ID);
    expect(shown.map((e) => e.version)).toEqual(stored.map((e) => e.version));
    shown.forEach((entry, i) => {
      expect(entry.text).toContain(stored[i]!.toStatus);
      if (stored[i]!.toPhase) expect(entry.text).toContain(stored[i]!.toPhase!);
    });
    expect(await page.getByTestId('phase').count()).toBe(2);
    expect(await page.getByTestId('workflow-trace').getAttribute('href')).toBe(`#/traces/${TRACE_ID}`);
    await shot('workflow');
  });

  it('acknowledges the firing alert from the page: the stored alert changes', async () => {
    await open('#/alerts');
    await page.getByTestId('acknowledge').waitFor();
    await page.fill('#actor', 'on-call-e2e');
    await page.getByTestId('acknowledge').click();
    await page.getByTestId('acknowledged').waitFor();
    const { rows } = await seeded.db.query<{ acknowledged_by: string | null }>(
      `SELECT acknowledged_by FROM ${seeded.db.table('alerts')} WHERE rule_name = 'HighLatency'`,
    );
    expect(rows).toEqual([{ acknowledged_by: 'on-call-e2e' }]);
    await shot('alerts');
  });

  it('shows the probes and checks on the health view', async () => {
    await open('#/health');
    await page.getByTestId('probe-readiness').waitFor();
    expect(await page.getByTestId('probe-readiness').textContent()).toContain('All dependencies healthy');
    expect(await page.locator('table.grid tbody tr').first().textContent()).toContain('database');
    await shot('health');
  });

  it('is keyboard usable: number keys switch views, auto-refresh toggles visibly', async () => {
    await open('#/traces');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('4');
    await page.waitForFunction("location.hash.startsWith('#/alerts')");
    await page.getByTestId('acknowledged').waitFor();
    const toggle = page.locator('#auto-refresh');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
  });

  it('tells a newcomer how to send telemetry when there is none', async () => {
    await open('#/traces', empty.url);
    const panel = page.getByTestId('empty-state');
    await panel.waitFor();
    await page.waitForFunction(
      "document.querySelector('pre.code')?.textContent?.includes('OTEL_EXPORTER_OTLP_ENDPOINT')",
    );
    expect(await panel.textContent()).toContain(
      `OTEL_EXPORTER_OTLP_ENDPOINT=${empty.url.replace(/\/$/, '')}`,
    );
    await shot('empty-traces');
    for (const view of ['metrics', 'workflows', 'alerts', 'health']) {
      await open(`#/${view}`, empty.url);
      expect(await page.locator('main .panel.error').count(), view).toBe(0);
    }
  });

  it('logged no console error in any view', () => {
    expect(consoleErrors).toEqual([]);
  });
});
