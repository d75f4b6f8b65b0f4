import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { LONG_SERVICE, STACK_TRACE, syntheticSpanId, syntheticTrace } from '../../helpers/syntheticTrace.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from './dashboardBrowser.js';

const TRACES = {
  5: '5a000000000000000000000000000005',
  500: '5a000000000000000000000000000500',
  5000: '5a000000000000000000000000005000',
} as const;
type Size = keyof typeof TRACES;

let server: PgtelServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  const start = Date.now() - 5 * 60_000;
  for (const [size, traceId] of Object.entries(TRACES)) {
    const written = await writeSpanRows(server.db, syntheticTrace(traceId, Number(size), start));
    expect(written.written).toBe(Number(size));
  }
  await insertMetricRow(server.db, {
    name: 'checkout_duration_ms',
    type: 'gauge',
    value: 412,
    at: new Date(start + 60_000),
    exemplars: [
      {
        trace_id: TRACES[500],
        span_id: syntheticSpanId(2),
        value: 412,
        observed_at: new Date(start + 100).toISOString(),
      },
    ],
  });
  base = `${server.url}/`;
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

/** Opens a trace and resolves to [time until its rows show (navigation included), render time after the data]. */
async function openTrace(size: Size, query = ''): Promise<{ totalMs: number; renderMs: number }> {
  const started = Date.now();
  await page.goto(`${base}#/traces/${TRACES[size]}${query}`);
  await page.waitForSelector('.wf-body[data-rendered] .wf-row');
  const totalMs = Date.now() - started;
  const renderMs = await page.evaluate(
    () => performance.getEntriesByName('pgtel-trace-render').at(-1)?.duration ?? Number.NaN,
  );
  return { totalMs, renderMs };
}

/** Pairs of label boxes that overlap within a row of the waterfall, as "row: a / b". */
function overlappingLabels(): Promise<string[]> {
  // Runs in the page (no DOM types here): a script string.
  return page.evaluate(`(() => {
    const overlaps = [];
    const intersect = (a, b) =>
      a.width > 0 && b.width > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom;
    for (const row of document.querySelectorAll('.wf-row')) {
      const id = row.getAttribute('data-span-id');
      const texts = [...row.querySelectorAll('.wf-name .op, .wf-name .svc, .wf-name .badge, .hidden-count, .wf-dur')];
      const boxes = texts.map((el) => ({ el, box: el.getBoundingClientRect() }));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          if (intersect(boxes[i].box, boxes[j].box))
            overlaps.push(id + ': ' + boxes[i].el.className + ' / ' + boxes[j].el.className);
      const track = row.querySelector('.wf-track').getBoundingClientRect();
      const bar = row.querySelector('.wf-bar').getBoundingClientRect();
      const label = row.querySelector('.wf-dur');
      const box = label.getBoundingClientRect();
      if (box.left < track.left - 0.5 || box.right > track.right + 0.5) overlaps.push(id + ': duration outside its track');
      const inside = label.classList.contains('inside');
      if (inside && (box.left < bar.left || box.right > bar.right)) overlaps.push(id + ': inside label sticks out of its bar');
      if (!inside && intersect(box, bar)) overlaps.push(id + ': duration on its bar');
    }
    return overlaps;
  })()`);
}

describe('trace view at scale in headless Chromium', () => {
  it.each([5, 500, 5000] as const)('renders a trace of %i spans with no overlapping label', async (size) => {
    const { totalMs, renderMs } = await openTrace(size);
    console.info(
      `trace of ${size} spans: rows shown ${totalMs} ms after navigation, rendered ${renderMs.toFixed(1)} ms after its data`,
    );
    // Only the rows in view (and a margin) are in the page, however big the trace.
    const rows = await page.locator('.wf-row').count();
    expect(rows).toBe(Math.min(size, rows));
    expect(rows).toBeLessThanOrEqual(80);
    expect(await overlappingLabels()).toEqual([]);
    // The root's duration never runs into the name column.
    const root = page.locator('.wf-row').first();
    const name = await root.locator('.wf-name').boundingBox();
    const duration = await root.locator('.wf-dur').boundingBox();
    expect(duration!.x).toBeGreaterThanOrEqual(name!.x + name!.width);
    await screenshot(page, `trace-${size}`);
  });

  it('scrolls through 5,000 spans: the last row reached, labels still apart', async () => {
    await openTrace(5000);
    await page.locator('.wf-body').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForSelector(`.wf-row[style*="top: ${4999 * 28}px"]`);
    expect(await page.locator('.wf-row').count()).toBeLessThanOrEqual(80);
    expect(await overlappingLabels()).toEqual([]);
  });

  it('keeps operation names whole beside a long service name', async () => {
    await openTrace(5);
    const op = page.locator('.wf-row', { hasText: LONG_SERVICE }).first().locator('.op');
    const { scrollWidth, clientWidth } = await op.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(await op.textContent()).toBe('checkout.validate-cart-and-reserve-stock #1');
  });

  it('collapses to a depth, and a row by its toggle', async () => {
    await openTrace(500);
    await page.selectOption('select[name=depth]', '2');
    await expect.poll(() => page.locator('.wf-row').count()).toBe(5);
    expect(page.url()).toContain('depth=2');
    await page.locator('.wf-row').nth(1).locator('.wf-toggle').click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(9);
    await page.locator('.wf-row').nth(1).locator('.wf-toggle').click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(5);
    await page.selectOption('select[name=depth]', '');
    await expect
      .poll(() => page.locator('.wf-body .wf-spacer').evaluate((el) => el.clientHeight))
      .toBe(500 * 28);
  });

  it('finds spans in the trace: matches counted, highlighted and revealed under collapsed parents', async () => {
    await openTrace(5000, '?depth=1');
    await page.fill('input[name=find]', '#4999');
    await expect.poll(() => page.getByTestId('find-count').textContent()).toBe('1 of 1');
    const current = page.locator('.wf-row.current-match');
    await current.waitFor();
    expect(await current.getAttribute('data-span-id')).toBe(syntheticSpanId(4999));
    await page.fill('input[name=find]', 'payments');
    await expect.poll(() => page.getByTestId('find-count').textContent()).toMatch(/^1 of \d{2,}$/);
    expect(await page.locator('.wf-row.match').count()).toBeGreaterThan(1);
  });

  it('highlights the critical path: the root and the child that ends last, not an earlier sibling', async () => {
    await openTrace(5);
    const critical = await page
      .locator('.wf-row.critical')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-span-id')));
    // Children of the root start at 2, 26, 50 and 74% of it: the last (span 4) ends last.
    expect(critical).toEqual([syntheticSpanId(0), syntheticSpanId(4)]);
    await page.locator('input[name=critical]').uncheck();
    expect(await page.locator('.wf-row.critical').count()).toBe(0);
  });

  it('zooms with the minimap window and resets on double-click', async () => {
    await openTrace(500);
    const minimap = (await page.getByTestId('minimap').boundingBox())!;
    const y = minimap.y + minimap.height / 2;
    await page.mouse.move(minimap.x + minimap.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(minimap.x + minimap.width * 0.75, y, { steps: 4 });
    await page.mouse.up();
    const ticks = () => page.locator('.wf-axis .tick').allTextContents();
    expect((await ticks())[0]).toBe('900 ms');
    const frame = (await page.getByTestId('minimap-window').boundingBox())!;
    expect(frame.x).toBeCloseTo(minimap.x + minimap.width * 0.5, -1);
    // Dragging the window pans it.
    await page.mouse.move(frame.x + frame.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width / 2 - minimap.width * 0.25, y, { steps: 4 });
    await page.mouse.up();
    expect((await ticks())[0]).toBe('450 ms');
    expect(await overlappingLabels()).toEqual([]);
    await page.getByTestId('minimap').dblclick();
    expect((await ticks())[0]).toBe('0 ms');
  });

  it('shows services with their colours, details with the stack trace as lines, and links to logs and metrics', async () => {
    // A span selected in the URL is revealed, scrolled to and shown.
    await openTrace(500, `?span=${syntheticSpanId(2)}`);
    expect(await page.getByTestId('service-legend').locator('li').count()).toBe(4);
    expect(await page.locator('.wf-row.selected').getAttribute('data-span-id')).toBe(syntheticSpanId(2));
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    const stack = detail.locator('[data-testid=stacktrace]');
    expect(await stack.textContent()).toBe(STACK_TRACE);
    // Its lines show as lines: three of them tall.
    const lines = await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid=stacktrace]');
      return el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight);
    })()`);
    expect(lines).toBeGreaterThanOrEqual(3);
    expect(
      await page
        .locator(`.wf-row[data-span-id="${syntheticSpanId(2)}"] [data-testid=span-event-marker]`)
        .count(),
    ).toBe(1);
    expect(await detail.getByTestId('span-logs-link').getAttribute('href')).toBe(
      `#/logs?traceId=${TRACES[500]}&spanId=${syntheticSpanId(2)}`,
    );
    expect(await detail.getByTestId('span-exemplars').locator('a').getAttribute('href')).toBe(
      '#/metrics?name=checkout_duration_ms',
    );
    await page.locator('.wf-row.selected').click();
    await detail.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('span=');
  });

  it('moves through the spans with the keyboard', async () => {
    await openTrace(5);
    await page.locator('.wf-body').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('.wf-row.selected').getAttribute('data-span-id')).toBe(syntheticSpanId(1));
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('.wf-row.selected').getAttribute('data-span-id')).toBe(syntheticSpanId(0));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('.wf-row').count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.wf-row').count()).toBe(5);
    expect(consoleErrors).toEqual([]);
  });
});
