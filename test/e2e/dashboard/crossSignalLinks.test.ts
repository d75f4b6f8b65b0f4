import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import {
  LATENCY_METRIC,
  OTHER_TRACE_ID,
  seedApiData,
  TRACE_ID,
  WORKFLOW_ID,
} from '../../integration/api/seedApiData.js';
import { openDashboardBrowser, screenshot, visitViews } from './dashboardBrowser.js';

/** A second failing checkout: its `charge card` span fails a minute before the alert fired. */
const CHECKOUT_TRACE_ID = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1';
/** An exemplar whose span was never stored (sampled out). */
const UNSTORED_TRACE_ID = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const ROOT_SPAN_ID = 'a000000000000001';

let browser: Browser;
let page: Page;
let server: PgtelServer;
let db: Database;
let base: string;
let alertId: number;
let alertTitle: string;
/** Recorded time of the metric row holding the known trace's exemplar. */
let exemplarAt: Date;
let consoleErrors: string[];

function errorSpan(traceId: string, spanId: string, parent: string | null, op: string, at: number): SpanRow {
  const failed = parent !== null;
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    traceState: null,
    operationName: op,
    kind: parent === null ? 'server' : 'client',
    serviceName: failed ? 'payments' : 'shop-api',
    startTime: new Date(at).toISOString(),
    endTime: new Date(at + 80).toISOString(),
    durationMs: 80,
    status: failed ? 'error' : 'ok',
    statusMessage: failed ? 'card declined' : null,
    attributes: {},
    events: [],
    links: [],
    resource: { 'service.name': failed ? 'payments' : 'shop-api' },
    scope: { name: 'seed' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/**
 * The known situation: the API seed (a trace whose `charge card` span fails, a workflow created in
 * it, a latency histogram, the firing HighLatency alert), a second failing checkout trace, two
 * exemplars on the latency rows of route /orders (the known trace's root span, and a span not
 * stored) and the alert linked to the known trace.
 */
async function seed(): Promise<void> {
  const clock = new ManualClock(Date.now());
  server = await startTestServer({ clock });
  db = server.db;
  base = `${server.url}/`;
  await seedApiData(db, clock);
  const now = clock.now();
  const written = await writeSpanRows(db, [
    errorSpan(CHECKOUT_TRACE_ID, 'd000000000000001', null, 'POST /checkout', now - 60_000),
    errorSpan(CHECKOUT_TRACE_ID, 'd000000000000002', 'd000000000000001', 'charge card', now - 59_990),
  ]);
  expect(written.written).toBe(2);

  const { rows } = await db.query<{ recorded_at: Date }>(
    `SELECT recorded_at FROM ${db.table('metrics')}
      WHERE metric_name = $1 AND labels @> '{"route":"/orders"}'::jsonb ORDER BY recorded_at DESC`,
    [LATENCY_METRIC],
  );
  expect(rows.length).toBeGreaterThan(4);
  exemplarAt = rows[0]!.recorded_at;
  const exemplars: [Date, string, string, number][] = [
    [rows[0]!.recorded_at, TRACE_ID, ROOT_SPAN_ID, 250],
    [rows[3]!.recorded_at, UNSTORED_TRACE_ID, 'c000000000000001', 180],
  ];
  for (const [at, traceId, spanId, value] of exemplars) {
    const json = JSON.stringify([
      { trace_id: traceId, span_id: spanId, value, observed_at: at.toISOString() },
    ]);
    await db.query(
      `UPDATE ${db.table('metrics')} SET exemplars = $3::jsonb
        WHERE metric_name = $1 AND recorded_at = $2 AND labels @> '{"route":"/orders"}'::jsonb`,
      [LATENCY_METRIC, at, json],
    );
  }

  const alert = await db.query<{ id: number; title: string; triggered_at: Date }>(
    `SELECT id, title, triggered_at FROM ${db.table('alerts')} WHERE rule_name = 'HighLatency'`,
  );
  expect(alert.rows).toHaveLength(1);
  alertId = Number(alert.rows[0]!.id);
  alertTitle = alert.rows[0]!.title;
  await db.query(
    `INSERT INTO ${db.table('alert_links')} (alert_id, link_kind, link_id, value, first_seen_at, last_seen_at)
     VALUES ($1, 'trace', $2, 250, $3, $3) ON CONFLICT DO NOTHING`,
    [alertId, TRACE_ID, alert.rows[0]!.triggered_at],
  );
}

beforeAll(async () => {
  await seed();
  ({ browser, page, consoleErrors } = await openDashboardBrowser(900));
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopTestServer(server);
});

async function open(hash: string): Promise<void> {
  await page.goto(`${base}${hash}`);
  await page.waitForSelector('main .view');
}

async function waitForHash(hash: string): Promise<void> {
  await page.waitForFunction((prefix) => location.hash.startsWith(prefix), hash);
}

function shot(name: string): Promise<void> {
  return screenshot(page, name);
}

describe('cross-signal links in the dashboard (headless Chromium)', () => {
  it('lists the exemplar traces of the visible range and marks them on the latency chart', async () => {
    await open(`#/metrics?name=${LATENCY_METRIC}`);
    const panel = page.getByTestId('exemplars');
    await panel.locator('table').waitFor();
    const rows = await panel.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    // Highest value first; the known trace's span is named, the other one is not stored.
    expect(rows[0]).toContain('250');
    expect(rows[0]).toContain('shop-api: GET /orders');
    expect(rows[0]).toContain('120 ms');
    expect(rows[1]).toContain('180');
    expect(rows[1]).toContain(UNSTORED_TRACE_ID);
    expect(rows[1]).toContain('span not stored');
    expect(await page.getByTestId('chart').first().getAttribute('data-markers')).toBe('2');
    await shot('metric-exemplars');
  });

  it('lists the exemplars of a clicked chart point, each leading to its trace and span', async () => {
    await open(`#/metrics?name=${LATENCY_METRIC}`);
    const chart = page.getByTestId('chart').first();
    await chart.waitFor();
    // The view is laid out once the range's exemplars are listed: only then is the chart where it stays.
    await page.getByTestId('exemplars').locator('table').waitFor();
    const from = Number(await chart.getAttribute('data-from'));
    const to = Number(await chart.getAttribute('data-to'));
    // The point of the row holding the known trace's exemplar: its bucket's start.
    const series = (await (
      await fetch(`${base}api/metrics/${LATENCY_METRIC}/series?from=${from}&to=${to}`)
    ).json()) as { stepMs: number };
    const bucket = Math.floor(exemplarAt.getTime() / series.stepMs) * series.stepMs;
    const box = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + ((bucket - from) / (to - from)) * box.width, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes('at='));
    expect(new URL(page.url()).hash).toContain(`at=${bucket}`);
    const panel = page.getByTestId('exemplars');
    await page.getByTestId('exemplars-scope').filter({ hasText: 'picked bucket' }).waitFor();
    await panel.locator('table').waitFor();
    const rows = await panel.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('GET /orders');
    await shot('metric-exemplars-bucket');

    await panel.locator('a', { hasText: 'GET /orders' }).click();
    await waitForHash(`#/traces/${TRACE_ID}`);
    expect(new URL(page.url()).hash).toBe(`#/traces/${TRACE_ID}?span=${ROOT_SPAN_ID}`);
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(ROOT_SPAN_ID);
    expect(await page.locator('.wf-row.selected .op').textContent()).toBe('GET /orders');
  });

  it('goes from a trace to its workflow, then to the workflow traces and alerts', async () => {
    await open(`#/traces/${TRACE_ID}`);
    const alerts = page.getByTestId('trace-alerts');
    await alerts.locator('table').waitFor();
    expect(await alerts.textContent()).toContain(alertTitle);
    const workflows = page.getByTestId('trace-workflows');
    expect(await workflows.locator('h2').textContent()).toBe('Workflows (1)');
    await shot('trace-links');
    await workflows.locator('a', { hasText: 'order_pipeline' }).click();
    await waitForHash(`#/workflows/${WORKFLOW_ID}`);

    const traces = page.getByTestId('workflow-traces');
    await traces.locator('table').waitFor();
    expect(await traces.locator('tbody tr').count()).toBe(1);
    expect(await traces.textContent()).toContain('shop-api: GET /orders');
    const workflowAlerts = page.getByTestId('workflow-alerts');
    expect(await workflowAlerts.textContent()).toContain(alertTitle);
    // Linked to the alert through its trace, not directly.
    expect(await workflowAlerts.locator('tbody tr').first().textContent()).toContain('trace');
    await shot('workflow-links');
    await traces.locator('a', { hasText: 'GET /orders' }).click();
    await waitForHash(`#/traces/${TRACE_ID}`);
    await page.getByTestId('trace-alerts').waitFor();

    await open(`#/workflows/${WORKFLOW_ID}`);
    await page.getByTestId('workflow-alerts').locator('a', { hasText: alertTitle }).click();
    await waitForHash(`#/alerts/${alertId}`);
    await page.getByTestId('alert-summary').waitFor();
  });

  it('shows an alert with its traces, workflows and error spans by operation', async () => {
    await open('#/alerts');
    await page.locator(`table[aria-label="Firing alerts"] a[data-alert-id="${alertId}"]`).click();
    await waitForHash(`#/alerts/${alertId}`);
    await page.getByTestId('alert-summary').waitFor();
    expect(await page.locator('h1').textContent()).toContain(alertTitle);
    expect(await page.getByTestId('alert-summary').textContent()).toContain('HighLatency');

    const traces = page.getByTestId('alert-traces');
    expect(await traces.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await traces.locator(`a[data-trace-id="${TRACE_ID}"]`).count()).toBe(1);
    const workflows = page.getByTestId('alert-workflows');
    expect(await workflows.locator(`a[data-workflow-id="${WORKFLOW_ID}"]`).textContent()).toBe(
      'order_pipeline',
    );

    const errors = page.getByTestId('alert-error-spans');
    const charge = errors.locator('tr[data-operation="payments/charge card"]');
    expect(await charge.locator('td').nth(1).textContent()).toBe('2');
    const linked = await charge.locator('a').evaluateAll((els) => els.map((el) => el.dataset.traceId));
    expect(linked.sort()).toEqual([TRACE_ID, CHECKOUT_TRACE_ID].sort());
    await shot('alert-detail');

    await charge.locator(`a[data-trace-id="${CHECKOUT_TRACE_ID}"]`).click();
    await waitForHash(`#/traces/${CHECKOUT_TRACE_ID}`);
    await page.waitForSelector('.wf-row.error');
    expect(await page.locator('h1').textContent()).toBe('shop-api: POST /checkout');

    await open(`#/alerts/${alertId}`);
    await workflows.locator('a', { hasText: 'order_pipeline' }).click();
    await waitForHash(`#/workflows/${WORKFLOW_ID}`);
    await open(`#/alerts/${alertId}`);
    await traces.locator(`a[data-trace-id="${TRACE_ID}"]`).click();
    await waitForHash(`#/traces/${TRACE_ID}`);
  });

  it('says plainly when there is nothing linked, no exemplar, or no such alert', async () => {
    await open(`#/traces/${OTHER_TRACE_ID}`);
    await page.getByTestId('trace-alerts-empty').waitFor();
    expect(await page.getByTestId('trace-alerts-empty').textContent()).toBe('No linked alerts.');
    expect(await page.getByTestId('trace-workflows-empty').textContent()).toBe(
      'No workflow ran in this trace.',
    );

    await open(`#/metrics?name=${LATENCY_METRIC}&labels=route:/health`);
    await page.getByTestId('no-exemplars').waitFor();
    expect(await page.getByTestId('no-exemplars').textContent()).toContain('No exemplars in this range');

    const errorsBefore = consoleErrors.length;
    await open('#/alerts/999999');
    const panel = page.locator('main .panel.error');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('alert 999999 not found');
    await shot('alert-not-found');
    // The browser logs the refused request; that 404 is this check's point.
    const added = consoleErrors.splice(errorsBefore);
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((text) => !text.includes('404'))).toEqual([]);
  });

  it('logged no console error in any view', async () => {
    await visitViews(page, base, {
      [`#/metrics?name=${LATENCY_METRIC}`]: '[data-testid=exemplars] tbody tr',
      [`#/traces/${TRACE_ID}`]: '[data-testid=trace-alerts] tbody tr',
      [`#/workflows/${WORKFLOW_ID}`]: '[data-testid=workflow-traces] tbody tr',
      [`#/alerts/${alertId}`]: '[data-testid=alert-summary]',
    });
    expect(consoleErrors).toEqual([]);
  });
});
