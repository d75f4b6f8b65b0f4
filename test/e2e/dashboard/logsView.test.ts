import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

const TRACE_ID = 'a1b2'.repeat(8);
const ROOT = 'f000000000000001';
const CHILD = 'f000000000000002';
// The browser picks "last hour" from its own clock: the data sits just before the real now.
const START = Date.now() - 5 * 60_000;

let browser: Browser;
let page: Page;
let server: PgtelServer;
let consoleErrors: string[];

function span(spanId: string, parent: string | null, name: string, offsetMs: number, ms: number): SpanRow {
  return {
    traceId: TRACE_ID,
    spanId,
    parentSpanId: parent,
    traceState: null,
    operationName: name,
    kind: parent ? 'client' : 'server',
    serviceName: parent ? 'payments' : 'shop-api',
    startTime: new Date(START + offsetMs).toISOString(),
    endTime: new Date(START + offsetMs + ms).toISOString(),
    durationMs: ms,
    status: parent ? 'error' : 'ok',
    statusMessage: parent ? 'card declined' : null,
    attributes: {},
    events: [],
    links: [],
    resource: { 'service.name': parent ? 'payments' : 'shop-api' },
    scope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  await writeSpanRows(server.db, [
    span(ROOT, null, 'POST /checkout', 0, 200),
    span(CHILD, ROOT, 'charge card', 50, 100),
  ]);
  await insertLogRows(server.db, [
    {
      at: new Date(START + 10),
      body: 'checkout started',
      service: 'shop-api',
      traceId: TRACE_ID,
      spanId: ROOT,
    },
    {
      at: new Date(START + 120),
      body: 'payment refused: card declined',
      severityNumber: 17,
      service: 'payments',
      traceId: TRACE_ID,
      spanId: CHILD,
      attributes: { 'payment.provider': 'acme', 'http.status_code': 402 },
      resource: { 'host.name': 'pay-1' },
    },
    ...Array.from({ length: 6 }, (_, i) => ({
      at: new Date(START - i * 60_000),
      body: `background job ${i} done`,
      severityNumber: i === 0 ? 13 : 9,
      service: 'worker',
    })),
  ]);
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

const lines = () => page.getByTestId('log-line');

describe('the Logs view in headless Chromium', () => {
  it('lists records with a severity histogram, searches, and keeps the filters in the URL', async () => {
    await page.goto(`${server.url}/#/logs`);
    await lines().first().waitFor();
    expect(await lines().count()).toBe(8);
    const chart = page.getByTestId('chart');
    await chart.waitFor();
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.locator('.views a[aria-current=page]').textContent()).toBe('Logs');
    expect(await page.locator('form[role=search]').textContent()).not.toContain('null');
    await screenshot(page, 'logs');

    await page.locator('input[name=q]').fill('declined');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.waitForFunction(() => location.hash.includes('q=declined'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=log-line]').length === 1);
    expect(await lines().first().textContent()).toContain('payment refused: card declined');

    await page.locator('select[name=severity]').selectOption('warn');
    await page.waitForFunction(() => location.hash.includes('severity=warn'));
    // A reload from the URL alone restores the filters.
    await page.goto(`${server.url}/#/logs?severity=warn&service=worker`);
    await lines().first().waitFor();
    expect(await page.locator('input[name=service]').inputValue()).toBe('worker');
    expect(await page.locator('select[name=severity]').inputValue()).toBe('warn');
    expect(await lines().allTextContents()).toEqual([expect.stringContaining('background job 0 done')]);
  });

  it('opens a line to its attributes and resource, and goes to its trace', async () => {
    await page.goto(`${server.url}/#/logs?q=declined`);
    const line = lines().first();
    await line.waitFor();
    const details = line.getByTestId('log-details');
    expect(await details.isVisible()).toBe(false);
    await line.locator('.log-toggle').click();
    await details.waitFor();
    const text = await details.textContent();
    expect(text).toContain('payment.provider');
    expect(text).toContain('acme');
    expect(text).toContain('pay-1');
    await screenshot(page, 'logs-expanded');

    await line.locator(`a[data-trace-id="${TRACE_ID}"]`).click();
    await page.waitForFunction((prefix) => location.hash.startsWith(prefix), `#/traces/${TRACE_ID}`);
    await page.waitForSelector('.wf-row');
    // The trace's records are listed, and marked on the spans they were written in.
    const traceLogs = page.getByTestId('trace-logs');
    await traceLogs.waitFor();
    expect(await traceLogs.getByTestId('log-line').allTextContents()).toEqual([
      expect.stringContaining('checkout started'),
      expect.stringContaining('payment refused: card declined'),
    ]);
    expect(await page.locator(`.wf-row[data-span-id="${CHILD}"] [data-testid=span-log-marker]`).count()).toBe(
      1,
    );
    expect(await page.locator(`.wf-row[data-span-id="${ROOT}"] [data-testid=span-log-marker]`).count()).toBe(
      1,
    );
    await screenshot(page, 'trace-with-logs');
  });

  it('follows new records live when the tail is on', async () => {
    await page.goto(`${server.url}/#/logs?service=live-svc`);
    await page.locator('main .view').waitFor();
    await page.getByTestId('live-tail').click();
    expect(await page.getByTestId('live-tail').getAttribute('aria-pressed')).toBe('true');
    // Kept in the URL: the view rendered again (as auto-refresh does) follows on.
    await page.waitForFunction(() => location.hash.includes('live=1'));
    await page.locator('#refresh').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=live-tail]')?.getAttribute('aria-pressed') === 'true',
    );
    // The tail starts when the browser connects: insert until the record shows.
    const inserting = setInterval(
      () => void insertLogRows(server.db, [{ at: new Date(), body: 'arrived live', service: 'live-svc' }]),
      400,
    );
    try {
      await page.getByText('arrived live').first().waitFor({ timeout: 10_000 });
    } finally {
      clearInterval(inserting);
    }
    await page.getByTestId('live-tail').click();
    expect(await page.getByTestId('live-tail').getAttribute('aria-pressed')).toBe('false');
    expect(await page.evaluate('location.hash')).not.toContain('live=1');
    expect(consoleErrors).toEqual([]);
  });
});
