import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { LONG_SERVICE, syntheticTrace } from '../../helpers/syntheticTrace.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

/** [trace id, spans, root duration ms, minutes ago]; traces of 3 spans or more hold an error. */
const TRACES = [
  ['5e000000000000000000000000000001', 5, 1800, 40],
  ['5e000000000000000000000000000002', 3, 300, 30],
  ['5e000000000000000000000000000003', 2, 900, 20],
  ['5e000000000000000000000000000004', 5, 1200, 10],
] as const;
const [T1, T2, T3, T4] = TRACES.map(([id]) => id);

let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const [id, count, ms, ago] of TRACES)
    await writeSpanRows(server.db, syntheticTrace(id, count, Date.now() - ago * 60_000, ms));
  base = `${server.url}/`;
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

const shownOrder = () =>
  page
    .locator('table.traces tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));

describe('trace search in headless Chromium', () => {
  it('plots durations over time, a dot per trace leading to it', async () => {
    await page.goto(`${base}#/traces`);
    await page.getByTestId('scatter-dot').first().waitFor();
    expect(await page.getByTestId('scatter-dot').count()).toBe(4);
    const y = async (id: string) =>
      (await page.locator(`[data-testid=scatter-dot][data-trace-id="${id}"]`).boundingBox())!.y;
    const x = async (id: string) =>
      (await page.locator(`[data-testid=scatter-dot][data-trace-id="${id}"]`).boundingBox())!.x;
    // Longer is higher, later is further right.
    expect(await y(T1!)).toBeLessThan(await y(T4!));
    expect(await y(T4!)).toBeLessThan(await y(T2!));
    expect(await x(T1!)).toBeLessThan(await x(T2!));
    expect(await page.locator('.duration-scatter circle.dot-error').count()).toBe(3);
    await screenshot(page, 'trace-search');
    await page.locator(`[data-testid=scatter-dot][data-trace-id="${T3}"]`).click();
    await page.waitForFunction((prefix) => location.hash.startsWith(prefix), `#/traces/${T3}`);
  });

  it('sorts the results by duration, start, spans and errors, kept in the URL', async () => {
    await page.goto(`${base}#/traces`);
    await page.locator('table.traces tbody tr').first().waitFor();
    expect(await shownOrder()).toEqual([T4, T3, T2, T1]);
    await page.locator('button.sort[data-sort=duration]').click();
    expect(await shownOrder()).toEqual([T1, T4, T3, T2]);
    expect(page.url()).toContain('sort=-duration');
    await page.locator('button.sort[data-sort=duration]').click();
    expect(await shownOrder()).toEqual([T2, T3, T4, T1]);
    await page.locator('button.sort[data-sort=spans]').click();
    expect((await shownOrder()).slice(2)).toEqual([T2, T3]);
    await page.goto(`${base}#/traces?sort=start`);
    await page.locator('table.traces tbody tr').first().waitFor();
    expect(await shownOrder()).toEqual([T1, T2, T3, T4]);
  });

  it('finds a service, an operation or a trace id from the search box (/) and jumps there', async () => {
    await page.goto(`${base}#/traces`);
    await page.locator('table.traces tbody tr').first().waitFor();
    await page.evaluate('document.activeElement?.blur()');
    await page.keyboard.press('/');
    await page.keyboard.type('orchestration');
    const results = page.locator('#global-search-results > div');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const kinds = await results.evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
    expect(kinds).toContain('service');
    expect(kinds).toContain('operation');
    await page.keyboard.press('Enter');
    await page.waitForFunction((hash) => location.hash === hash, `#/traces?service=${LONG_SERVICE}`);
    await page.keyboard.press('/');
    await page.keyboard.type(T2!);
    await page.keyboard.press('Enter');
    await page.waitForFunction((hash) => location.hash === hash, `#/traces/${T2}`);
    await page.locator('.wf-row').first().waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('no such thing');
    expect(await results.first().textContent()).toContain('Nothing by that name');
    await page.keyboard.press('Escape');
  });

  it('compares two traces: spans matched by service and operation, differences in duration', async () => {
    await page.goto(`${base}#/traces`);
    await page.locator('table.traces tbody tr').first().waitFor();
    const compare = page.getByTestId('compare');
    expect(await compare.isDisabled()).toBe(true);
    await page.locator(`tr[data-trace-id="${T1}"] input[type=checkbox]`).check();
    await page.locator(`tr[data-trace-id="${T3}"] input[type=checkbox]`).check();
    await compare.click();
    await page.waitForFunction((prefix) => location.hash.startsWith(prefix), `#/traces/compare/`);
    await page.getByTestId('compare-row').first().waitFor();
    const rows = await page
      .getByTestId('compare-row')
      .evaluateAll((els) => els.map((el) => [...el.querySelectorAll('td')].map((td) => td.textContent)));
    const root = rows.find((cells) => cells[1] === 'GET /checkout')!;
    // T3 (900 ms) against T1 (1.80 s).
    expect(root.slice(2)).toEqual(['1.80 s', '900 ms', '−900 ms']);
    // Spans 2 to 4 of T1 have no match in T3.
    expect(await page.locator('tr.only-a').count()).toBe(3);
    expect(await page.locator('tr.only-b').count()).toBe(0);
    await screenshot(page, 'trace-compare');
    expect(consoleErrors).toEqual([]);
  });
});
