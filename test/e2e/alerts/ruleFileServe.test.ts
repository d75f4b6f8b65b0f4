import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { eventually } from '../../helpers/eventually.js';
import { type ServeProcess, spawnServe } from '../../helpers/serveProcess.js';
import { testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';
import { runPgtel } from '../cli/runPgtel.js';
import { openDashboardBrowser } from '../dashboard/dashboardBrowser.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

const schema = uniqueSchema('rulefile');
const database: Record<string, string> = testDatabaseUrl
  ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema }
  : { PGTEL_DATA_DIR: 'memory://' };
let dir: string;
let rulesFile: string;
let serve: ServeProcess;

const checkoutRules = `
groups:
  - name: checkout
    interval: 1s
    rules:
      - alert: CheckoutQueueDeep
        source: { kind: aggregate, aggregate: max, metric: checkout.queue_depth, windowMs: 10m, groupBy: [service.name] }
        levels: [{ severity: warning, threshold: 10 }]
        annotations:
          summary: 'queue of {{labels.service.name}} at {{value}} (p95 {{details.p95}})'
`;

const reloadedRules = `
groups:
  - name: checkout
    interval: 1s
    rules:
      - alert: PaymentsSilent
        source: { kind: aggregate, aggregate: max, metric: payments.queue_depth, windowMs: 1m }
        levels: [{ severity: critical, threshold: 0 }]
`;

async function api<T = Json>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${serve.url}/api${path}`, init);
  return (await response.json()) as T;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pgtel-rules-'));
  rulesFile = join(dir, 'rules.yaml');
  await writeFile(rulesFile, checkoutRules);
  serve = await spawnServe(
    [],
    {
      ...database,
      PGTEL_RULES_FILE: rulesFile,
      PGTEL_JOB_INTERVAL_MS: '300',
      PGTEL_SHUTDOWN_DELAY_MS: '0',
    },
    150_000,
  );
}, 180_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await rm(dir, { recursive: true, force: true });
  if (testDatabaseUrl) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

describe('pgtel serve with PGTEL_RULES_FILE', () => {
  it('fires a file rule from metrics an OpenTelemetry SDK exporter sent, and shows it in the rule view', async () => {
    const exporter = new OTLPMetricExporter({ url: `${serve.url}/v1/metrics` });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      readers: [reader],
    });
    provider.getMeter('shop').createGauge('checkout.queue_depth').record(42);
    let exported: number | undefined;
    const original = exporter.export.bind(exporter);
    exporter.export = (metrics, done) =>
      original(metrics, (result) => {
        exported = result.code;
        done(result);
      });
    await provider.forceFlush();
    await provider.shutdown();
    expect(exported).toBe(ExportResultCode.SUCCESS);

    const alert = await eventually(
      async () => {
        const { alerts } = await api<{ alerts: Json[] }>('/alerts');
        return alerts.find((a) => a.rule === 'CheckoutQueueDeep' && a.state === 'firing');
      },
      'the file rule to fire',
      30_000,
    );
    expect(alert).toMatchObject({
      origin: 'rule',
      severity: 'warning',
      value: 42,
      labels: { 'service.name': 'checkout', alertname: 'CheckoutQueueDeep' },
      annotations: { summary: 'queue of checkout at 42 (p95 <no value>)' },
    });
    const { rules } = await api<{ rules: Json[] }>('/alerts/rules');
    expect(rules).toEqual([expect.objectContaining({ origin: 'file', group: 'checkout', state: 'firing' })]);

    const { browser, page, consoleErrors } = await openDashboardBrowser();
    try {
      await page.goto(`${serve.url}/#/alerts/rules`);
      const row = page.locator('tr[data-rule="CheckoutQueueDeep"]');
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('firing');
      expect(await row.locator('li[data-alert-state="firing"]').textContent()).toContain(
        'service.name=checkout',
      );
      expect(await row.textContent()).toContain('file (group checkout)');
      await row.locator('li[data-alert-state="firing"] a').click();
      await page.locator('[data-testid="alert-summary"]').waitFor();
      expect(await page.locator('h1').textContent()).toContain('firing');
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('reloads the file on SIGHUP: removed rules go and their alerts resolve, API rules stay', async () => {
    const { alerts } = await api<{ alerts: Json[] }>('/alerts');
    const alertId = alerts.find((a) => a.rule === 'CheckoutQueueDeep')!.alertId;
    const put = await fetch(`${serve.url}/api/alerts/rules/FromApi`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { kind: 'sql', sql: 'SELECT 0 AS value' },
        levels: [{ severity: 'info', threshold: 1 }],
      }),
    });
    expect(put.status).toBe(201);

    // A broken file changes nothing; the process keeps running.
    await writeFile(
      rulesFile,
      'groups:\n  - name: checkout\n    rules:\n      - alert: X\n        expr: up ==\n',
    );
    serve.child.kill('SIGHUP');
    await eventually(
      async () => (/alert rule file not reloaded/.test(serve.output()) ? true : undefined),
      'the refused reload',
    );
    expect(
      (await api<{ rules: { rule: { name: string } }[] }>('/alerts/rules')).rules.map((r) => r.rule.name),
    ).toEqual(['CheckoutQueueDeep', 'FromApi']);

    await writeFile(rulesFile, reloadedRules);
    serve.child.kill('SIGHUP');
    const names = await eventually(async () => {
      const { rules } = await api<{ rules: { rule: { name: string } }[] }>('/alerts/rules');
      const list = rules.map((r) => r.rule.name);
      return list.includes('PaymentsSilent') ? list : undefined;
    }, 'the reloaded rules');
    expect(names).toEqual(['FromApi', 'PaymentsSilent']);
    const links = await api<{ alert: { resolvedAt: string | null } }>(`/alerts/${alertId}/links`);
    expect(links.alert.resolvedAt).not.toBeNull();

    // PaymentsSilent has no data: its own state, counted by pgtel alerts (exit 3), not firing.
    await eventually(async () => {
      const { alerts: now } = await api<{ alerts: { rule: string; state: string }[] }>('/alerts');
      return now.some((a) => a.rule === 'PaymentsSilent' && a.state === 'nodata') ? true : undefined;
    }, 'the nodata state');
    const cli = await runPgtel(['alerts', '--url', serve.url], {});
    expect(cli.code).toBe(3);
    expect(cli.stdout).toContain('0 firing, 1 without data (nodata), 0 in error');
    const list = await runPgtel(['rules', 'list', '--url', serve.url], {});
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /PaymentsSilent\s+nodata\s+aggregate\(payments\.queue_depth\)\s+1s\s+file:checkout/,
    );

    const { browser, page } = await openDashboardBrowser();
    try {
      await page.goto(`${serve.url}/#/alerts`);
      await page.locator('[data-testid="unknown-heading"]').waitFor();
      expect(await page.locator('h2', { hasText: 'Firing (' }).textContent()).toBe('Firing (0)');
      expect(await page.locator('tr[data-state="nodata"]').textContent()).toContain('PaymentsSilent');
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('refuses to start with a rule file that has problems, naming each', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        source: { kind: rate, metric: m }\n        levels: []\n',
    );
    const failed = spawnServe(
      [],
      {
        ...database,
        ...(testDatabaseUrl ? { PGTEL_SCHEMA: `${schema}_bad` } : {}),
        PGTEL_RULES_FILE: bad,
      },
      150_000,
    );
    await expect(failed).rejects.toThrow(/bad\.yaml: 2 problems/);
    if (testDatabaseUrl) {
      const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema: `${schema}_bad` });
      await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(`${schema}_bad`)} CASCADE`);
      await db.close();
    }
  }, 180_000);
});
