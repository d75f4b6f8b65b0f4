import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { LATENCY_METRIC, seedApiData, TRACE_ID, WORKFLOW_ID } from '../../integration/api/seedApiData.js';
import { openDashboardBrowser, screenshot, visitViews } from './dashboardBrowser.js';

interface Running {
  server: PgtelServer;
  db: Database;
  url: string;
}

/** A real `pgtel serve` on a loopback port and a schema of its own, with the test data when `seed`. */
async function startServer(seed: boolean): Promise<Running> {
  // The browser picks "last hour" from its own clock: seed around the real now.
  const clock = new ManualClock(Date.now());
  const server = await startTestServer({ clock });
  if (seed) await seedApiData(server.db, clock);
  return { server, db: server.db, url: `${server.url}/` };
}

async function stopServer(running: Running | undefined): Promise<void> {
  if (running) await stopTestServer(running.server);
}

let browser: Browser;
let seeded: Running;
let empty: Running;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  [seeded, empty] = await Promise.all([startServer(true), startServer(false)]);
  ({ browser, page, consoleErrors } = await openDashboardBrowser());
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([stopServer(seeded), stopServer(empty)]);
});

async function open(hash: string, base = seeded.url): Promise<void> {
  await page.goto(`${base}${hash}`);
  await page.waitForSelector('main .view');
}

function shot(name: string): Promise<void> {
  return screenshot(page, name);
}

describe('dashboard in headless Chromium', () => {
  it('runs under a strict Content-Security-Policy that blocks inline script', async () => {
    const response = await page.goto(`${seeded.url}#/traces`);
    await page.waitForSelector('main .view');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    const errorsBefore = consoleErrors.length;
    await page.evaluate(
      "{ const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.append(s); }",
    );
    expect(await page.evaluate('window.inlineRan')).toBeUndefined();
    // The violation event is dispatched after the blocked element is inserted.
    await expect
      .poll(() =>
        consoleErrors.slice(errorsBefore).some((text) => text.includes('CSP violation: script-src')),
      )
      .toBe(true);
    consoleErrors.splice(errorsBefore);
  });

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
    // Down the tree with the keyboard to the fourth span.
    await page.locator('.wf-body').focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('card declined');
    expect(await detail.textContent()).toContain('exception');
    expect(page.url()).toContain('span=a000000000000004');
    await shot('trace-waterfall');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !location.hash.includes('span='));
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

  it('silences an alert from the page: the silence is stored with its matchers', async () => {
    await open('#/alerts');
    await page.locator('details.silence summary').first().click();
    await page.locator('details.silence select').first().selectOption({ label: '4 hours' });
    await page.locator('details.silence input').first().fill('deploying');
    await page.locator('details.silence button[type=submit]').first().click();
    await page.locator('table[aria-label=Silences]').waitFor();
    expect(await page.locator('table[aria-label="Firing alerts"]').textContent()).toContain('silenced');
    const { rows } = await seeded.db.query<{
      matchers: unknown;
      comment: string;
      created_by: string;
      hours: number;
    }>(
      `SELECT matchers, comment, created_by, extract(epoch FROM ends_at - starts_at) / 3600 AS hours
         FROM ${seeded.db.table('alert_silences')}`,
    );
    expect(rows).toEqual([
      {
        matchers: [{ name: 'alertname', value: 'HighLatency', op: '=' }],
        comment: 'deploying',
        created_by: 'on-call-e2e',
        hours: 4,
      },
    ]);
  });

  it('shows the probes and each check as the server reports them', async () => {
    await open('#/health');
    await page.getByTestId('probe-readiness').waitFor();
    const readiness = await seeded.server.health.readiness();
    expect(await page.getByTestId('probe-readiness').textContent()).toContain(readiness.message);
    const rows = await page.locator('table.grid tbody tr').allTextContents();
    const checks = Object.entries((await seeded.server.health.health()).details.checks);
    expect(rows).toHaveLength(checks.length);
    for (const [name, result] of checks) {
      const row = rows.find((text) => text.startsWith(name));
      expect(row, name).toContain(result.status);
      expect(row, name).toContain(result.message);
    }
    await shot('health');
  });

  it('is keyboard usable: number keys switch views, auto-refresh toggles visibly', async () => {
    await open('#/traces');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('5');
    await page.waitForFunction(() => location.hash.startsWith('#/alerts'));
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
    await page.waitForFunction(() =>
      document.querySelector('pre.code')?.textContent?.includes('OTEL_EXPORTER_OTLP_ENDPOINT'),
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

  it('asks for the API token when the server requires one, then works with it', async () => {
    const token = 'e2e-token-0123456789abcdef';
    const guarded = await startTestServer({ apiToken: token, authScopes: ['api', 'ingest'] });
    const errorsBefore = consoleErrors.length;
    try {
      await open('#/health', `${guarded.url}/`);
      await page.locator('#token-input').waitFor();
      await page.fill('#token-input', token);
      await page.keyboard.press('Enter');
      await page.getByTestId('probe-readiness').waitFor();
      expect(await page.locator('#token-input').count()).toBe(0);
      // The browser logs the refused first requests; those 401s are this test's point.
      const added = consoleErrors.splice(errorsBefore);
      expect(added.length).toBeGreaterThan(0);
      expect(added.filter((text) => !text.includes('401'))).toEqual([]);
    } finally {
      await page.evaluate('sessionStorage.clear()');
      await stopTestServer(guarded);
    }
  });

  it('shows every view of a server running the demo pipeline', { timeout: 90_000 }, async () => {
    const demo = await startTestServer({ demo: true, jobs: true });
    try {
      // The demo writes a batch every 2 seconds and metrics are flushed every 10: wait (bounded) for all three.
      await vi.waitFor(
        async () => {
          const [traces, workflows, metrics] = await Promise.all(
            ['traces', 'workflows', 'metrics'].map(async (path) =>
              (await fetch(`${demo.url}/api/${path}`)).json(),
            ),
          );
          expect((traces as { traces: unknown[] }).traces.length).toBeGreaterThan(0);
          expect((workflows as { workflows: unknown[] }).workflows.length).toBeGreaterThan(0);
          expect((metrics as { metrics: unknown[] }).metrics.length).toBeGreaterThan(0);
        },
        { timeout: 60_000, interval: 500 },
      );
      for (const view of ['traces', 'metrics', 'workflows', 'alerts', 'health']) {
        await open(`#/${view}`, `${demo.url}/`);
        expect(await page.locator('main .panel.error').allTextContents(), view).toEqual([]);
        expect(await page.getByTestId('empty-state').count(), view).toBe(0);
        await shot(`demo-${view}`);
      }
      await open('#/traces', `${demo.url}/`);
      await page.locator('a.trace-link').first().click();
      await page.waitForSelector('.wf-row');
      await shot('demo-trace');
    } finally {
      await stopTestServer(demo);
    }
  });

  it('logged no console error in any view', async () => {
    await visitViews(page, seeded.url, {
      '#/traces': 'table.traces tbody tr',
      [`#/traces/${TRACE_ID}`]: '.wf-row',
      [`#/metrics?name=${LATENCY_METRIC}`]: '[data-testid=chart]',
      [`#/workflows/${WORKFLOW_ID}`]: '[data-testid=history-entry]',
      '#/alerts': 'table[aria-label="Firing alerts"] tbody tr',
      '#/health': '[data-testid=probe-readiness]',
    });
    expect(consoleErrors).toEqual([]);
  });
});
