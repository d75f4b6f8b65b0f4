import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { openDashboardBrowser, screenshot } from '../dashboard/dashboardBrowser.js';
import { buildSlowRequest, FAILING_OPERATION, LATENCY, type SlowRequest } from './slowRequest.js';

let server: PgtelServer;
let situation: SlowRequest;
let browser: Browser;
let page: Page;
let consoleErrors: string[];
let alertId: number;

beforeAll(async () => {
  const clock = new ManualClock(Date.now());
  server = await startTestServer({ clock });
  situation = await buildSlowRequest(server.db, clock, server.url);
  const { rows } = await server.db.query<{ id: number }>(`SELECT id FROM ${server.db.table('alerts')}`);
  alertId = Number(rows[0]!.id);
  ({ browser, page, consoleErrors } = await openDashboardBrowser(900));
});

afterAll(async () => {
  await browser?.close();
  await situation?.receiver.close();
  if (server) await stopTestServer(server);
});

async function open(hash: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('main .view');
}

async function follow(link: ReturnType<Page['locator']>, hash: string): Promise<void> {
  await link.click();
  await page.waitForFunction((prefix) => location.hash.startsWith(prefix), hash);
}

describe('a slow request inside a workflow that fires an alert, walked from every end in the browser', () => {
  it('metric -> slowest exemplar -> trace -> workflow -> alert -> its workflow', async () => {
    await open(`#/metrics?name=${LATENCY}`);
    const exemplars = page.getByTestId('exemplars');
    await exemplars.locator('table').waitFor();
    const first = exemplars.locator('tbody tr').first();
    expect(await first.textContent()).toContain('POST /checkout');
    await follow(first.locator('a', { hasText: 'POST /checkout' }), `#/traces/${situation.traceId}`);

    const workflows = page.getByTestId('trace-workflows');
    await workflows.locator('table').waitFor();
    await page.getByTestId('trace-alerts').locator('table').waitFor();
    await follow(workflows.locator('a', { hasText: 'order' }), `#/workflows/${situation.workflowId}`);

    const traces = page.getByTestId('workflow-traces');
    await traces.locator('table').waitFor();
    expect(await traces.locator('tbody tr').count()).toBe(1);
    const alerts = page.getByTestId('workflow-alerts');
    await alerts.locator('table').waitFor();
    await follow(alerts.locator('a').first(), `#/alerts/${alertId}`);

    await page.getByTestId('alert-summary').waitFor();
    await page.getByTestId('alert-traces').locator(`a[data-trace-id="${situation.traceId}"]`).waitFor();
    expect(await page.getByTestId('alert-traces').locator('a[data-trace-id]').count()).toBe(1);
    await follow(
      page.getByTestId('alert-workflows').locator(`a[data-workflow-id="${situation.workflowId}"]`),
      `#/workflows/${situation.workflowId}`,
    );
    await screenshot(page, 'walk-workflow');
  });

  it('alert -> error spans of its firing window by operation -> the failing trace', async () => {
    await open('#/alerts');
    await follow(
      page.locator(`table[aria-label="Firing alerts"] a[data-alert-id="${alertId}"]`),
      `#/alerts/${alertId}`,
    );
    const errors = page.getByTestId('alert-error-spans');
    const row = errors.locator(`tr[data-operation="checkout/${FAILING_OPERATION}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('1');
    await screenshot(page, 'walk-alert');
    await follow(row.locator(`a[data-trace-id="${situation.traceId}"]`), `#/traces/${situation.traceId}`);
    await page.waitForSelector('.wf-row.error');
  });

  it('the notification links open the same pages', async () => {
    const body = situation.receiver.requests[0]!.body as {
      alerts: { links: { alert: string; traces: { url: string }[] } }[];
    };
    const links = body.alerts[0]!.links;
    await page.goto(links.alert);
    await page.getByTestId('alert-summary').waitFor();
    await page.goto(links.traces[0]!.url);
    await page.getByTestId('trace-workflows').locator('table').waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
