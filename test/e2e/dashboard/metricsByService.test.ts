import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

const METRIC = 'http_server_duration_ms';
const SLOW_SPAN = 'b'.repeat(16);
const FAST_SPAN = 'a'.repeat(16);
let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
const apiRequests: string[] = [];

beforeAll(async () => {
  // The browser picks "last hour" from its own clock: write around the real now.
  const now = Date.now();
  server = await startTestServer({ clock: new ManualClock(now) });
  for (const [service, ms, span] of [
    ['checkout', 12, FAST_SPAN],
    ['search', 480, SLOW_SPAN],
  ] as const) {
    for (let i = 1; i <= 6; i++) {
      const at = new Date(now - i * 5 * 60_000);
      await insertMetricRow(server.db, {
        name: METRIC,
        type: 'histogram',
        service,
        resource: { 'host.name': `${service}-1` },
        labels: { route: '/orders' },
        at,
        observations: [ms, ms * 1.1],
        exemplars:
          i === 1
            ? [{ trace_id: span.repeat(2), span_id: span, value: ms, observed_at: at.toISOString() }]
            : undefined,
      });
    }
  }
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
  page.on('request', (request) => {
    if (request.url().includes('/api/metrics/')) apiRequests.push(decodeURIComponent(request.url()));
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

async function open(hash: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.getByTestId('chart').first().waitFor();
}

const exemplarSpans = () =>
  page
    .locator('[data-testid=exemplars] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-span-id')));

describe('the metrics view by service', () => {
  it('offers the services that wrote the metric and filters every chart and the exemplars by one', async () => {
    await open(`#/metrics?name=${METRIC}`);
    const select = page.locator('select[name=service]');
    expect(await select.locator('option').allTextContents()).toEqual(['All services', 'checkout', 'search']);
    expect(await page.locator('.metric-list .metric-meta').first().textContent()).toContain(
      'checkout, search',
    );
    await page.locator('[data-testid=exemplars] tbody tr').first().waitFor();
    expect((await exemplarSpans()).sort()).toEqual([FAST_SPAN, SLOW_SPAN]);

    apiRequests.length = 0;
    await select.selectOption('search');
    await page.waitForFunction(() => location.hash.includes('service=search'));
    await page.locator('figcaption', { hasText: 'percentiles of search' }).waitFor();
    await page.locator(`[data-testid=exemplars] tbody tr[data-span-id="${SLOW_SPAN}"]`).waitFor();
    expect(await exemplarSpans()).toEqual([SLOW_SPAN]);
    for (const kind of ['series', 'percentiles', 'exemplars'])
      expect(
        apiRequests.some((u) => u.includes(`/${kind}?`) && u.includes('service=search')),
        kind,
      ).toBe(true);
    await screenshot(page, 'metrics-by-service');
  });

  it('keeps the service in the URL: a shared link opens with it selected', async () => {
    await open(`#/metrics?name=${METRIC}&service=checkout`);
    expect(await page.locator('select[name=service]').inputValue()).toBe('checkout');
    await page.locator(`[data-testid=exemplars] tbody tr[data-span-id="${FAST_SPAN}"]`).waitFor();
    expect(await exemplarSpans()).toEqual([FAST_SPAN]);
    const link = await page.locator(`.metric-list a`).first().getAttribute('href');
    expect(link).toContain('service=checkout');
    // A service that wrote nothing stays selectable from the URL and shows no data.
    await page.goto(`${server.url}/#/metrics?name=${METRIC}&service=nobody`);
    await page.getByTestId('no-points').waitFor();
    expect(await page.locator('select[name=service]').inputValue()).toBe('nobody');
  });

  it('offers service.name as a group-by and draws one line per service', async () => {
    await open(`#/metrics?name=${METRIC}`);
    const options = await page
      .locator('#group-by-keys option')
      .evaluateAll((els) => els.map((el) => el.getAttribute('value')));
    expect(options).toContain('service.name');
    await page.locator('input[name=groupBy]').fill('service.name');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForFunction(() => location.hash.includes('groupBy=service.name'));
    await page.locator('figcaption', { hasText: 'mean observation by service.name' }).waitFor();
    const legend = await page.locator('figure.chart').first().locator('.u-legend .u-label').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['service.name=checkout', 'service.name=search']));
    // The percentiles are split by service too.
    await page.locator('figcaption', { hasText: 'percentiles by service.name' }).waitFor();
    const percentileLegend = await page
      .locator('figure.chart')
      .nth(1)
      .locator('.u-legend .u-label')
      .allTextContents();
    expect(percentileLegend).toEqual(expect.arrayContaining(['p99 checkout', 'p99 search']));
    expect(consoleErrors).toEqual([]);
  });
});
