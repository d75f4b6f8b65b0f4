import { describe, expect, it } from 'vitest';
import { grafanaProvisioning, overviewDashboard } from '../../../src/grafana/grafanaProvisioning.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
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
    for (const p of dashboard.panels as Panel[]) expect(p.targets[0]!.rawSql).toContain('"my""schema".');
  });

  it('every panel and variable query runs against pgtel tables once the macros are expanded', async () => {
    await seedApiData(ctx.db, new ManualClock(NOW));
    const dashboard = overviewDashboard(ctx.db.schema);
    const variables = { service: `'shop-api','payments','shop-db'`, metric: LATENCY_METRIC };
    const counts: Record<string, number> = {};
    for (const variable of dashboard.templating.list) {
      const { rows } = await ctx.db.query(expand(variable.query, variables));
      counts[`$${variable.name}`] = rows.length;
    }
    for (const p of dashboard.panels) {
      const sql = expand(p.targets[0]!.rawSql, variables);
      expect(sql, p.title).not.toMatch(/\$\w/);
      const { rows } = await ctx.db.query(sql);
      counts[p.title] = rows.length;
    }
    expect(counts).toMatchObject({
      $service: 3,
      $metric: 1,
      'Stuck or overdue workflows': 0,
      'Firing alerts': 1,
    });
    for (const [title, n] of Object.entries(counts))
      if (title !== 'Stuck or overdue workflows') expect(n, title).toBeGreaterThan(0);
  });
});
