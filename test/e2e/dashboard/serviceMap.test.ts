import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCallSpans } from '../../../bench/callSpans.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { aggregateServiceEdges } from '../../../src/tracing/aggregateServiceEdges.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

const HOUR = 3_600_000;
let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  // 400 traces between 5 and 2 hours ago, aggregated by the job up to an hour ago.
  await insertCallSpans(server.db, {
    first: 1,
    last: 400,
    start: new Date(Date.now() - 5 * HOUR),
    spacingMs: (3 * HOUR) / 400,
  });
  await aggregateServiceEdges(server.db, { clock: new ManualClock(Date.now() - HOUR) });
  base = `${server.url}/`;
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('service map in headless Chromium', () => {
  it('draws the services and the calls between them with rate, error rate and p95', async () => {
    await page.goto(`${base}#/services?range=6h`);
    await page.getByTestId('service-node').first().waitFor();
    const nodes = page.getByTestId('service-node');
    expect(await nodes.evaluateAll((els) => els.map((el) => el.getAttribute('data-service')).sort())).toEqual(
      ['gateway', 'orders', 'orders-db', 'payments'],
    );
    const boxes = await Promise.all((await nodes.all()).map(async (node) => (await node.boundingBox())!));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
    // Callers left of their callees.
    const x = async (service: string) => (await page.locator(`[data-service="${service}"]`).boundingBox())!.x;
    expect(await x('gateway')).toBeLessThan(await x('orders'));
    expect(await x('orders')).toBeLessThan(await x('orders-db'));

    expect(await page.getByTestId('service-edge').count()).toBe(3);
    expect(await page.locator('.edge.has-errors').count()).toBe(2);
    const payments = page.locator('[data-testid=edge-row][data-callee=payments]');
    const cells = await payments.locator('td').allTextContents();
    expect(cells[0]).toContain('gateway');
    expect(cells[2]).toBe('400');
    // 400 calls over 6 hours (and up to a minute: the range starts on a whole minute); one in 20 failed.
    expect(cells[3]).toMatch(/^0\.01[89]\/s$/);
    expect(cells[4]).toBe('5%');
    expect(cells[5]).toMatch(/^9\d(\.\d)? ms$/);
    await screenshot(page, 'service-map');
  });

  it('goes from a service to its traces and its metrics', async () => {
    await page.goto(`${base}#/services?range=6h`);
    await page.locator('[data-testid=service-node][data-service=payments]').click();
    await page.waitForFunction(() => location.hash.startsWith('#/traces?service=payments'));
    await page.locator('table.traces tbody tr').first().waitFor();
    await page.goto(`${base}#/services?range=6h`);
    const metrics = page
      .locator('[data-testid=edge-row][data-callee=payments] a', { hasText: 'metrics' })
      .first();
    expect(await metrics.getAttribute('href')).toBe('#/metrics?service=gateway&range=6h');
  });

  it('says what to do when no service called another in the range', async () => {
    await page.goto(`${base}#/services?range=1h`);
    const empty = page.getByTestId('empty-state');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No calls between services in this range');
    expect(consoleErrors).toEqual([]);
  });
});
