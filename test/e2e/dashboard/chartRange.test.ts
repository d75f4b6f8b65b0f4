import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { LATENCY_METRIC, seedApiData, TRACE_ID } from '../../integration/api/seedApiData.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

/** Far above every observation of the seed (at most 209 ms). */
const OUTLIER = 5000;
let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
let base: string;

beforeAll(async () => {
  const clock = new ManualClock(Date.now());
  server = await startTestServer({ clock });
  await seedApiData(server.db, clock);
  // An exemplar of the slowest observation, two minutes ago.
  const at = new Date(Date.now() - 2 * 60_000);
  await insertMetricRow(server.db, {
    name: LATENCY_METRIC,
    type: 'histogram',
    labels: { route: '/orders' },
    at,
    observations: [OUTLIER],
    exemplars: [
      { trace_id: TRACE_ID, span_id: 'a000000000000001', value: OUTLIER, observed_at: at.toISOString() },
    ],
  });
  await insertMetricRow(server.db, { name: 'pgtel_spans_written_total', type: 'counter', value: 3, at });
  base = `${server.url}/`;
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

const chart = () => page.getByTestId('chart').first();
const attr = async (name: string) => Number(await chart().getAttribute(name));

describe('metric charts in headless Chromium', () => {
  it('fits the default range to the data and keeps exemplar markers inside the plot', async () => {
    await page.goto(`${base}#/metrics?name=${LATENCY_METRIC}`);
    await chart().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=chart]')?.dataset.yMax);
    // The data covers the last ten minutes of the hour: the axis spans about that, not the hour.
    const span = (await attr('data-x-max')) - (await attr('data-x-min'));
    expect(span).toBeGreaterThan(9 * 60_000);
    expect(span).toBeLessThan(20 * 60_000);
    expect(await attr('data-markers')).toBe(1);
    expect(await attr('data-y-max')).toBeGreaterThan(OUTLIER);
    // The unit (from the name's suffix) labels the value axis.
    expect(await chart().getAttribute('data-unit')).toBe('ms');
    await screenshot(page, 'metrics-fitted');
  });

  it('zooms to a range dragged across a chart: URL, charts and exemplar list follow', async () => {
    await page.goto(`${base}#/metrics?name=${LATENCY_METRIC}`);
    await chart().waitFor();
    const exemplarRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/exemplars?')) exemplarRequests.push(request.url());
    });
    const over = (await chart().locator('.u-over').boundingBox())!;
    const y = over.y + over.height / 2;
    await page.mouse.move(over.x + over.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.75, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes('from=') && location.hash.includes('to='));
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    expect(to).toBeGreaterThan(from);
    await expect.poll(async () => Number(await chart().getAttribute('data-from'))).toBe(from);
    expect(await attr('data-to')).toBe(to);
    // An explicit range is shown whole.
    expect(await attr('data-x-min')).toBe(from);
    await expect
      .poll(() => exemplarRequests.some((url) => new URL(url).searchParams.get('from') === String(from)))
      .toBe(true);
    await page.getByTestId('reset-range').click();
    await page.waitForFunction(() => !location.hash.includes('from='));
  });

  it("keeps pgtel's own metrics in a folded group of their own", async () => {
    await page.goto(`${base}#/metrics`);
    await chart().waitFor();
    const group = page.getByTestId('pgtel-metrics');
    expect(await group.getAttribute('open')).toBeNull();
    expect(await group.locator('li[data-name=pgtel_spans_written_total]').count()).toBe(1);
    const own = await page
      .locator('ul[aria-label=Metrics] li')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-name')));
    expect(own).toContain(LATENCY_METRIC);
    expect(own.filter((name) => name?.startsWith('pgtel'))).toEqual([]);
    // The metric shown by default is the application's.
    expect(page.url()).not.toContain('pgtel_');
  });

  it('hides and shows a line from its legend entry', async () => {
    await page.goto(`${base}#/metrics?name=${LATENCY_METRIC}&groupBy=route`);
    await chart().waitFor();
    const entry = chart().locator('.u-legend .u-series').nth(1);
    expect(await entry.getAttribute('class')).not.toContain('u-off');
    await entry.click();
    expect(await entry.getAttribute('class')).toContain('u-off');
    await entry.click();
    expect(await entry.getAttribute('class')).not.toContain('u-off');
    expect(consoleErrors).toEqual([]);
  });
});
