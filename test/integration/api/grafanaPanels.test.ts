import { describe, expect, it } from 'vitest';
import { grafanaProvisioning, overviewDashboard } from '../../../src/grafana/grafanaProvisioning.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { LATENCY_METRIC, seedApiData } from './seedApiData.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00Z');
const FROM = NOW - 3_600_000;

interface Panel {
  id: number;
  title: string;
  targets: { rawSql: string }[];
}

/**
 * What Grafana's PostgreSQL data source does to panel SQL before running it: template variables,
 * `$__interval`, then the macros (as documented for the data source).
 */
function expand(sql: string, variables: Record<string, string>): string {
  const iso = (ms: number) => `'${new Date(ms).toISOString().replace('.000Z', 'Z')}'`;
  let text = sql.replaceAll('$__interval', '1m');
  for (const [name, value] of Object.entries(variables)) text = text.replaceAll(`$${name}`, value);
  return text
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, col) => `${col.trim()} BETWEEN ${iso(FROM)} AND ${iso(NOW)}`)
    .replace(/\$__timeFrom\(\)/g, iso(FROM))
    .replace(/\$__timeTo\(\)/g, iso(NOW))
    .replace(
      /\$__timeGroupAlias\(([^,]+),\s*1m\)/g,
      (_, col) => `floor(extract(epoch from ${col.trim()})/60)*60 AS "time"`,
    );
}

/**
 * How Grafana's PostgreSQL data source writes a multi-value variable into SQL: each value quoted,
 * joined by commas ("All" without a custom all value: every option), and nothing when none is chosen.
 */
function sqlValues(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',');
}

/** Runs every SQL panel with these variables; the rows each returned, by title. */
async function runPanels(
  variables: Record<string, string>,
): Promise<Record<string, Record<string, unknown>[]>> {
  const dashboard = overviewDashboard(ctx.db.schema);
  const results: Record<string, Record<string, unknown>[]> = {};
  for (const p of dashboard.panels) {
    const target = p.targets[0]!;
    if (!('rawSql' in target)) continue;
    const sql = expand(target.rawSql, variables);
    expect(sql, p.title).not.toMatch(/\$\w/);
    results[p.title] = (await ctx.db.query(sql)).rows;
  }
  return results;
}

describe('Grafana provisioning', () => {
  it('writes a data source, a dashboard provider and a dashboard for the given schema', () => {
    const files = grafanaProvisioning({
      schema: 'my"schema',
      host: 'db:5432',
      database: 'app',
      user: 'grafana',
    });
    expect(files.map((f) => f.path)).toEqual([
      'provisioning/datasources/pgtel.yaml',
      'provisioning/dashboards/pgtel.yaml',
      'provisioning/dashboards/pgtel/pgtel-overview.json',
    ]);
    expect(files[0]!.content).toContain('type: grafana-postgresql-datasource');
    expect(files[0]!.content).toContain('password: $PGTEL_GRAFANA_PASSWORD');
    const dashboard = JSON.parse(files[2]!.content);
    const sqlPanels = (dashboard.panels as Panel[]).filter((p) => 'rawSql' in p.targets[0]!);
    expect(sqlPanels.length).toBe(dashboard.panels.length - 1);
    for (const p of sqlPanels) expect(p.targets[0]!.rawSql).toContain('"my""schema".');
    expect(files[0]!.content).toContain('type: prometheus');
  });

  it('every variable and panel runs on an empty database, with no service and no metric to choose', async () => {
    const dashboard = overviewDashboard(ctx.db.schema);
    for (const variable of dashboard.templating.list)
      expect((await ctx.db.query(expand(variable.query, {}))).rows, variable.name).toEqual([]);
    const results = await runPanels({ service: sqlValues([]), metric: '' });
    expect(Object.keys(results)).toHaveLength(dashboard.panels.length - 1);
    for (const [title, rows] of Object.entries(results))
      if (!title.startsWith('$metric')) expect(rows, title).toEqual([]);
  });

  it('every panel and variable query runs against pgtel tables once the macros are expanded', async () => {
    await seedApiData(ctx.db, new ManualClock(NOW));
    await insertLogRows(ctx.db, [
      { at: new Date(NOW - 120_000), body: 'payment refused', severityNumber: 17, service: 'payments' },
      { at: new Date(NOW - 60_000), body: 'order placed', severityNumber: 9, service: 'shop-api' },
      { at: new Date(NOW - 30_000), body: 'not a chosen service', severityNumber: 9, service: 'other' },
      { at: new Date(NOW - 7_200_000), body: 'before the range', severityNumber: 9, service: 'shop-api' },
    ]);
    const dashboard = overviewDashboard(ctx.db.schema);
    const variables = { service: `'shop-api','payments','shop-db'`, metric: LATENCY_METRIC };
    const counts: Record<string, number> = {};
    for (const variable of dashboard.templating.list) {
      const { rows } = await ctx.db.query(expand(variable.query, variables));
      counts[`$${variable.name}`] = rows.length;
    }
    for (const p of dashboard.panels) {
      const target = p.targets[0]!;
      // The PromQL panel is exercised against the Prometheus API in test/e2e/prometheus/prometheusApi.test.ts.
      if (!('rawSql' in target)) continue;
      const sql = expand(target.rawSql, variables);
      expect(sql, p.title).not.toMatch(/\$\w/);
      const { rows } = await ctx.db.query(sql);
      counts[p.title] = rows.length;
    }
    expect(counts).toMatchObject({
      // The three services of the spans, the collector's (unknown_service:node) from the metrics and
      // `other` from the logs.
      $service: 5,
      $metric: 1,
      'Stuck or overdue workflows': 0,
      'Firing alerts': 1,
      // The chosen services' records in the range, newest first.
      Logs: 2,
    });
    for (const [title, n] of Object.entries(counts))
      if (title !== 'Stuck or overdue workflows') expect(n, title).toBeGreaterThan(0);
    const logs = dashboard.panels.find((p) => p.title === 'Logs')!;
    const { rows } = await ctx.db.query(expand((logs.targets[0] as { rawSql: string }).rawSql, variables));
    expect(rows.map((r) => [r.level, r.service_name, r.body])).toEqual([
      ['info', 'shop-api', 'order placed'],
      ['error', 'payments', 'payment refused'],
    ]);
  });

  it('the service variable covers metrics, and the metric panel reads only the chosen services', async () => {
    const metric = 'grafana_latency_ms';
    for (const [service, ms] of [
      ['grafana-search', 500],
      ['grafana-checkout', 10],
    ] as const) {
      for (let i = 1; i <= 3; i++)
        await insertMetricRow(ctx.db, {
          name: metric,
          type: 'histogram',
          service,
          at: new Date(FROM + i * 10 * 60_000),
          observations: [ms, ms],
        });
    }
    const dashboard = overviewDashboard(ctx.db.schema);
    const variable = (name: string) => dashboard.templating.list.find((v) => v.name === name)!.query;
    const services = await ctx.db.query<{ service_name: string }>(expand(variable('service'), {}));
    expect(services.rows.map((r) => r.service_name)).toEqual(
      expect.arrayContaining(['grafana-checkout', 'grafana-search']),
    );
    const metrics = await ctx.db.query<{ metric_name: string }>(expand(variable('metric'), {}));
    expect(metrics.rows.map((r) => r.metric_name)).toContain(metric);
    const panel = dashboard.panels.find((p) => p.title.startsWith('$metric percentiles'))!;
    const values = async (service: string) => {
      const { rows } = await ctx.db.query<{ metric: string; value: number | null }>(
        expand((panel.targets[0] as { rawSql: string }).rawSql, { service, metric }),
      );
      return rows.filter((r) => r.metric.startsWith('p50') && r.value !== null).map((r) => r.value!);
    };
    const slow = await values(`'grafana-search'`);
    expect(slow).toHaveLength(3);
    for (const v of slow) expect(Math.abs(v - 500) / 500).toBeLessThan(0.01);
    for (const v of await values(`'grafana-checkout'`)) expect(Math.abs(v - 10) / 10).toBeLessThan(0.01);
    expect(await values(`'nobody'`)).toEqual([]);
  });

  it('a panel shows every service with none or All chosen, and only the chosen ones otherwise', async () => {
    // Spans and logs of shop-api, payments and more from the tests above.
    const dashboard = overviewDashboard(ctx.db.schema);
    const variable = dashboard.templating.list.find((v) => v.name === 'service')!;
    const all = (await ctx.db.query<{ service_name: string }>(expand(variable.query, {}))).rows.map(
      (r) => r.service_name,
    );
    const servicesOfLogs = async (chosen: readonly string[]) => {
      const rows = (await runPanels({ service: sqlValues(chosen), metric: LATENCY_METRIC })).Logs!;
      return [...new Set(rows.map((r) => r.service_name as string))].sort();
    };
    const everyService = await servicesOfLogs(all);
    expect(everyService).toEqual(['other', 'payments', 'shop-api']);
    expect(await servicesOfLogs([])).toEqual(everyService);
    expect(await servicesOfLogs([''])).toEqual(everyService);
    expect(await servicesOfLogs(['payments'])).toEqual(['payments']);
    expect(await servicesOfLogs(['payments', 'shop-api'])).toEqual(['payments', 'shop-api']);
    expect(await servicesOfLogs(["o'brien"])).toEqual([]);
  });
});
