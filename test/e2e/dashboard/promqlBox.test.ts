import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { postRemoteWrite, remoteWriteBody } from '../../helpers/remoteWrite.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  // The browser's range ends at its own clock: write the last ten minutes before the real now.
  const now = Date.now();
  server = await startTestServer();
  await insertMetricRow(server.db, {
    name: 'http_server_duration_ms',
    type: 'histogram',
    service: 'checkout',
    labels: { route: '/orders' },
    at: new Date(now - 60_000),
    observations: [12],
  });
  const times = Array.from({ length: 40 }, (_, i) => now - 600_000 + i * 15_000);
  const response = await postRemoteWrite(
    server.url,
    remoteWriteBody(
      ['a', 'b'].map((instance, n) => ({
        labels: [
          ['__name__', 'node_requests_total'],
          ['instance', instance],
        ] as [string, string][],
        samples: times.map((timestampMs, i) => ({ timestampMs, value: i * (n + 1) })),
      })),
    ),
  );
  expect(response.status).toBe(204);
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

const box = () => page.getByTestId('promql');

async function run(query: string, mode: 'range' | 'instant'): Promise<void> {
  await box().locator('input[name=promql]').fill(query);
  await box().locator('select[name=promqlMode]').selectOption(mode);
  await box().locator('button[type=submit]').click();
  await page.waitForFunction(
    (expected) => new URLSearchParams(location.hash.split('?')[1]).get('promql') === expected,
    query,
  );
}

describe('the PromQL box of the metrics view', () => {
  it('draws a range query, lists an instant one and keeps the query in the URL', async () => {
    await page.goto(`${server.url}/#/metrics?range=15m`);
    await box().waitFor();
    await run('rate(node_requests_total[1m])', 'range');
    const chart = box().getByTestId('chart');
    await chart.waitFor();
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
    const legend = await chart.locator('.u-legend .u-label').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['{instance="a"}', '{instance="b"}']));
    expect(page.url()).toContain('range=15m');

    await run('sum(node_requests_total)', 'instant');
    const rows = box().locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.locator('td').allTextContents()).toEqual(['{}', String(39 + 78)]);
    await screenshot(page, 'promql-instant');

    // A shared link opens with the query run again.
    await page.reload();
    await box().locator('table tbody tr').first().waitFor();
    expect(await box().locator('input[name=promql]').inputValue()).toBe('sum(node_requests_total)');
  });

  it("shows Prometheus's error for a query that does not parse", async () => {
    await page.goto(`${server.url}/#/metrics`);
    await box().waitFor();
    await run('sum(node_requests_total', 'range');
    const error = box().getByTestId('promql-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^invalid parameter "query": /);
    expect(consoleErrors.filter((e) => !e.includes('400'))).toEqual([]);
  });
});
