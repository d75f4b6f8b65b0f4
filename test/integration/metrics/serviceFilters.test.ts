import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { LogSketch } from '../../../src/metrics/LogSketch.js';
import { getPercentile, queryMetrics } from '../../../src/metrics/queryMetrics.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const HOUR = Date.parse('2026-05-04T10:00:00.000Z');
const NAME = 'queue_wait_ms';
const within1 = (value: number | null, expected: number) =>
  expect(Math.abs((value ?? Number.NaN) - expected) / expected).toBeLessThan(0.01);

/** Rolled-up hour: one hourly row per service (same labels), then flushed rows in the next hour. */
beforeAll(async () => {
  const db = ctx.db;
  for (const [service, ms] of [
    ['fast', 20],
    ['slow', 900],
  ] as const) {
    const sketch = new LogSketch();
    for (let i = 0; i < 50; i++) sketch.add(ms);
    const { keys, counts } = sketch.toBuckets();
    await db.query(
      `INSERT INTO ${db.table('metrics_hourly')} (metric_name, metric_type, labels, hour, metric_value, sample_count,
         sample_sum, sample_min, sample_max, sketch_keys, sketch_counts, series_id, service_name)
       VALUES ($1, 'histogram', '{"queue":"q"}', $2, $3::float8, 50, $3::float8 * 50, $3::float8, $3::float8, $4::integer[], $5::bigint[],
         ${db.table('metric_series_id')}($1, $6, '{}', '', '', '{"queue":"q"}'), $6)`,
      [NAME, new Date(HOUR), ms, keys, counts, service],
    );
    await insertMetricRow(db, {
      name: NAME,
      type: 'histogram',
      service,
      resource: { region: service === 'slow' ? 'eu' : 'us' },
      labels: { queue: 'q' },
      at: new Date(HOUR + 3_600_000 + 600_000),
      observations: [ms, ms, ms],
    });
  }
  await db.query(
    `INSERT INTO ${db.table('metric_rollup_hours')} (hour, state, rolled_at, series) VALUES ($1, 'done', now(), 2)`,
    [new Date(HOUR)],
  );
});

describe('percentiles and rows filtered by service', () => {
  it('metric_percentile filters rollups and flushed rows by service; the old call forms still work', async () => {
    const db = ctx.db;
    const p = async (args: string) =>
      (
        await db.query<{ v: number | null }>(
          `SELECT ${db.table('metric_percentile')}('${NAME}', 0.5, '2026-05-04T10:00:00Z', '2026-05-04T12:00:00Z'${args}) AS v`,
        )
      ).rows[0]!.v;
    within1(await p(`, '{}', 'slow'`), 900);
    within1(await p(`, '{"queue":"q"}', 'fast'`), 20);
    within1(await p(`, service_filter => 'slow'`), 900);
    expect(await p(`, '{}', 'nobody'`)).toBeNull();
    // Old forms: every service, merged (53 at 20 ms, 53 at 900 ms: the median lies between).
    const all = await p('');
    expect(all).toBeGreaterThan(20);
    expect(all).toBeLessThan(910);
    expect(await p(`, '{"queue":"q"}'`)).toBeCloseTo(all!, 6);
  });

  it('metric_percentile_series takes the service filter after the label filter', async () => {
    const db = ctx.db;
    const { rows } = await db.query<{ value: number | null }>(
      `SELECT value FROM ${db.table('metric_percentile_series')}('${NAME}', 0.99, '2026-05-04T10:00:00Z',
         '2026-05-04T12:00:00Z', interval '1 hour', '{}', 'fast') ORDER BY bucket_start`,
    );
    expect(rows).toHaveLength(2);
    within1(rows[0]!.value, 20);
    within1(rows[1]!.value, 20);
    const old = await db.query(
      `SELECT * FROM ${db.table('metric_percentile_series')}('${NAME}', 0.5, '2026-05-04T10:00:00Z',
         '2026-05-04T12:00:00Z', interval '1 hour')`,
    );
    expect(old.rows).toHaveLength(2);
  });

  it('the percentile views name the service of each row', async () => {
    const db = ctx.db;
    const hourly = await db.query<{ service_name: string; p50: number }>(
      `SELECT service_name, p50 FROM ${db.table('metric_hourly_percentiles')} WHERE metric_name = $1 ORDER BY 1`,
      [NAME],
    );
    expect(hourly.rows.map((r) => r.service_name)).toEqual(['fast', 'slow']);
    within1(hourly.rows[1]!.p50, 900);
    const interval = await db.query<{ service_name: string }>(
      `SELECT DISTINCT service_name FROM ${db.table('metric_interval_percentiles')} WHERE metric_name = $1 ORDER BY 1`,
      [NAME],
    );
    expect(interval.rows.map((r) => r.service_name)).toEqual(['fast', 'slow']);
  });

  it('getPercentile and queryMetrics take a service (one or several) and a resource filter', async () => {
    const db = ctx.db;
    const window = { start: new Date(HOUR), end: new Date(HOUR + 2 * 3_600_000) };
    within1(await getPercentile(db, NAME, 0.5, { ...window, service: 'slow' }), 900);
    within1(await getPercentile(db, NAME, 0.5, { ...window, service: ['fast'] }), 20);
    expect(await getPercentile(db, NAME, 0.5, { ...window, service: 'nobody' })).toBeNull();
    // The resource filter reads the series: only the flushed rows of the slow service carry region=eu.
    within1(await getPercentile(db, NAME, 0.5, { ...window, resource: { region: 'eu' } }), 900);
    within1(await getPercentile(db, NAME, 0.5, { ...window, resource: { 'service.name': 'fast' } }), 20);
    const rows = await queryMetrics(db, NAME, { service: 'slow' });
    expect(rows.map((r) => r.serviceName)).toEqual(['slow']);
    expect(await queryMetrics(db, NAME, { service: ['slow', 'fast'] })).toHaveLength(2);
    expect(await queryMetrics(db, NAME, { resource: { region: 'us' } })).toHaveLength(1);
    expect(await queryMetrics(db, NAME, { service: 'nobody' })).toEqual([]);
    await expect(queryMetrics(db, NAME, { resource: 'x' as never })).rejects.toThrow(ValidationError);
    await expect(getPercentile(db, NAME, 0.5, { service: [1] as never })).rejects.toThrow(/service/);
  });
});
