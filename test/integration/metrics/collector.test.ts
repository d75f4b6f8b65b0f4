import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

function collector(clock: ManualClock, options: ConstructorParameters<typeof MetricsCollector>[0] = {}) {
  return new MetricsCollector({
    db: ctx.db,
    clock,
    flushIntervalMs: 0,
    logger: createLogger('silent'),
    ...options,
  });
}

async function rowsOf(name: string) {
  const { rows } = await ctx.db.query<{
    metric_type: string;
    metric_value: number;
    labels: Record<string, string>;
    sample_count: number;
    sample_sum: number | null;
    sample_min: number | null;
    sample_max: number | null;
    sketch_keys: number[] | null;
    recorded_at: Date;
  }>(
    `SELECT * FROM ${ctx.db.table('metrics')} WHERE metric_name = $1 ORDER BY recorded_at, labels::text, id`,
    [name],
  );
  return rows;
}

describe('MetricsCollector writing to PostgreSQL', () => {
  it('writes one row per active series per interval: counter deltas, last gauge value, histogram sketch', async () => {
    const clock = new ManualClock('2026-03-10T10:00:00Z');
    const metrics = collector(clock);
    metrics.counter('jobs_total', 1, { queue: 'a' });
    metrics.counter('jobs_total', 2, { queue: 'a' });
    metrics.counter('jobs_total', undefined, { queue: 'b' });
    metrics.gauge('queue_depth', 7);
    metrics.gauge('queue_depth', 3);
    for (const v of [10, 20, 30, 40]) metrics.histogram('latency_ms', v, { route: '/x' });
    clock.advance(10_000);
    const report = await metrics.flush();
    expect(report).toMatchObject({ rows: 4, written: 4, pending: 0 });

    const jobs = await rowsOf('jobs_total');
    expect(jobs.map((r) => [r.labels.queue, r.metric_value, r.sample_count])).toEqual([
      ['a', 3, 2],
      ['b', 1, 1],
    ]);
    expect(jobs[0]!.recorded_at.toISOString()).toBe('2026-03-10T10:00:10.000Z');
    const depth = await rowsOf('queue_depth');
    expect(depth).toHaveLength(1);
    expect(depth[0]).toMatchObject({ metric_type: 'gauge', metric_value: 3, sample_min: 3, sample_max: 7 });
    const latency = await rowsOf('latency_ms');
    expect(latency[0]).toMatchObject({
      metric_type: 'histogram',
      metric_value: 25,
      sample_count: 4,
      sample_sum: 100,
    });
    expect(latency[0]!.sketch_keys).toHaveLength(4);

    // An idle interval writes nothing; the next delta starts from zero.
    clock.advance(10_000);
    expect((await metrics.flush()).rows).toBe(0);
    metrics.counter('jobs_total', 5, { queue: 'a' });
    await metrics.flush();
    expect((await rowsOf('jobs_total')).at(-1)!.metric_value).toBe(5);
    await metrics.shutdown();
  });

  it('answers query() newest first with containment label filters, and getPercentile() within 1%', async () => {
    const clock = new ManualClock('2026-03-11T10:00:00Z');
    const metrics = collector(clock);
    const h = metrics.createHistogram('req_ms', { unit: 'ms', description: 'request time' });
    const values: number[] = [];
    for (let interval = 0; interval < 6; interval++) {
      for (let i = 0; i < 500; i++) {
        const v = 1 + ((i * 7919 + interval * 31) % 1000) * 1.7;
        values.push(v);
        h.record(v, { route: i % 2 ? '/a' : '/b', method: 'GET' });
      }
      clock.advance(10_000);
      await metrics.flush();
    }
    const rows = await metrics.query('req_ms', { labels: { route: '/a' }, limit: 3 });
    expect(rows).toHaveLength(3);
    expect(rows[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(rows[1]!.recordedAt.getTime());
    expect(rows.every((r) => r.labels.route === '/a')).toBe(true);

    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [0.5, 0.95, 0.99]) {
      const rank = p * (sorted.length - 1);
      const lo = Math.floor(rank);
      const exact = sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (rank - lo);
      const estimate = await metrics.getPercentile('req_ms', p, { hours: 1 });
      expect(Math.abs(estimate! - exact) / exact, `p${p * 100}`).toBeLessThanOrEqual(0.01);
    }
    expect(await metrics.getPercentile('req_ms', 0)).toBe(sorted[0]);
    expect(await metrics.getPercentile('req_ms', 1)).toBe(sorted.at(-1));
    expect(await metrics.getPercentile('req_ms', 0.5, { labels: { route: '/nowhere' } })).toBeNull();
    await expect(metrics.getPercentile('req_ms', 1.01)).rejects.toThrow(/between 0 and 1/);
    await expect(metrics.getPercentile('req_ms', Number.NaN)).rejects.toThrow(/between 0 and 1/);
    const described = await ctx.db.query(
      `SELECT * FROM ${ctx.db.table('metric_descriptions')} WHERE metric_name = 'req_ms'`,
    );
    expect(described.rows[0]).toMatchObject({
      instrument: 'histogram',
      unit: 'ms',
      description: 'request time',
    });
    await metrics.shutdown();
  });

  it('keeps every observation in raw mode and gives the exact percentile', async () => {
    const clock = new ManualClock('2026-03-12T10:00:00Z');
    const metrics = collector(clock, { rawMetrics: ['exact_ms'] });
    const values = [5, 1, 4, 2, 3, 100, 7];
    for (const v of values) {
      metrics.histogram('exact_ms', v);
      clock.advance(1);
    }
    await metrics.flush();
    const rows = await rowsOf('exact_ms');
    expect(rows.map((r) => r.metric_value)).toEqual(values);
    expect(rows.every((r) => r.sketch_keys === null)).toBe(true);
    const exact = await ctx.db.query<{ p: number }>(
      `SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY v) AS p FROM unnest($1::float8[]) v`,
      [values],
    );
    expect(await metrics.getPercentile('exact_ms', 0.9)).toBe(exact.rows[0]!.p);
    await metrics.shutdown();
  });

  it('stores label values with quotes, newlines, backslashes and SQL verbatim', async () => {
    const clock = new ManualClock('2026-03-13T10:00:00Z');
    const metrics = collector(clock);
    const labels = {
      q: `it's "quoted"`,
      nl: 'a\nb\tc\\d',
      sql: "'); DROP TABLE metrics; --",
      u: 'ünï\u{1F600}',
    };
    metrics.counter('weird_labels_total', 1, labels);
    await metrics.flush();
    const rows = await metrics.query('weird_labels_total', { labels: { sql: labels.sql } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.labels).toEqual(labels);
    await metrics.shutdown();
  });

  it('folds label sets beyond the cap into one overflow series, counting them', async () => {
    const clock = new ManualClock('2026-03-14T10:00:00Z');
    const metrics = collector(clock, { maxSeriesPerMetric: 50 });
    for (let i = 0; i < 100_000; i++) metrics.counter('by_user_total', 1, { user: `u${i}` });
    const report = await metrics.flush();
    expect(report.rows).toBe(51);
    const rows = await rowsOf('by_user_total');
    const overflow = rows.find((r) => r.labels.otel_metric_overflow === 'true');
    expect(overflow?.metric_value).toBe(100_000 - 50);
    expect(rows.reduce((a, r) => a + r.metric_value, 0)).toBe(100_000);
    expect(metrics.stats().overflowObservations).toBe(100_000 - 50);
    await metrics.shutdown();
  });

  it('refuses NaN, Infinity, negative increments and bad names without throwing, storing nothing wrong', async () => {
    const clock = new ManualClock('2026-03-15T10:00:00Z');
    const lines: string[] = [];
    const metrics = collector(clock, { logger: createLogger('warn', (l) => lines.push(l)) });
    metrics.counter('bad_total', Number.NaN);
    metrics.counter('bad_total', Number.POSITIVE_INFINITY);
    metrics.counter('bad_total', -1);
    metrics.counter('bad_total', -1);
    metrics.gauge('bad_gauge', Number.NEGATIVE_INFINITY);
    metrics.histogram('', 1);
    metrics.histogram('x'.repeat(10_000), 1);
    metrics.counter('bad_total', '3' as unknown as number);
    metrics.gauge('bad_total', 1); // already a counter
    metrics.counter('bad_total', 2);
    await metrics.flush();
    expect((await rowsOf('bad_total')).map((r) => r.metric_value)).toEqual([2]);
    const stats = metrics.stats();
    expect(stats.invalidObservations).toBe(9);
    expect(stats.invalidByMetric['"bad_total"']).toBe(6);
    // Reported once per metric and reason, with the name (shortened when huge).
    expect(lines.filter((l) => l.includes('counter increment is negative'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('bad_gauge'))).toBe(true);
    expect(lines.every((l) => l.length < 600)).toBe(true);
    expect(() => metrics.record({ name: 'x', value: 1, type: 'summary' as 'gauge' })).toThrow(
      /metric type must be counter, gauge or histogram/,
    );
    await metrics.shutdown();
  });

  it('writes everything exactly once when a flush races shutdown', async () => {
    const clock = new ManualClock('2026-03-16T10:00:00Z');
    const metrics = collector(clock);
    const c = metrics.createCounter('race_total').bind({ k: 'v' });
    for (let i = 0; i < 1000; i++) c.add();
    const first = metrics.flush();
    for (let i = 0; i < 500; i++) c.add();
    const closing = metrics.shutdown();
    const again = metrics.shutdown();
    await Promise.all([first, closing, again]);
    expect(again).toBe(closing);
    const rows = await rowsOf('race_total');
    expect(rows.reduce((a, r) => a + r.metric_value, 0)).toBe(1500);
    expect(metrics.stats()).toMatchObject({ droppedRows: 0, pendingRows: 0 });
  });

  it('flushes on the interval of its clock when ticked, and its timer does not keep the process alive', async () => {
    const clock = new ManualClock('2026-03-17T10:00:00Z');
    const metrics = new MetricsCollector({
      db: ctx.db,
      clock,
      flushIntervalMs: 5000,
      logger: createLogger('silent'),
    });
    metrics.gauge('ticked', 1);
    expect(await metrics.tick()).toBeUndefined();
    clock.advance(4999);
    expect(await metrics.tick()).toBeUndefined();
    clock.advance(1);
    expect(await metrics.tick()).toMatchObject({ rows: 1, written: 1 });
    expect(process.getActiveResourcesInfo()).toContain('Timeout');
    await metrics.shutdown();
  });

  it('keeps its flushes on the interval grid when a tick comes late', async () => {
    const clock = new ManualClock('2026-03-17T10:00:00Z');
    const metrics = new MetricsCollector({
      db: ctx.db,
      clock,
      flushIntervalMs: 1000,
      logger: createLogger('silent'),
    });
    metrics.gauge('late', 1);
    clock.advance(1040); // the timer fired 40 ms late
    expect(await metrics.tick()).toMatchObject({ rows: 1 });
    metrics.gauge('late', 2);
    clock.advance(960); // 2 s after the start: the next flush is due, not 40 ms later
    expect(await metrics.tick()).toMatchObject({ rows: 1 });
    clock.advance(2500); // a flush missed entirely is skipped, not run twice
    expect(await metrics.tick()).toBeDefined();
    clock.advance(400);
    expect(await metrics.tick()).toBeUndefined();
    clock.advance(100);
    expect(await metrics.tick()).toBeDefined();
    await metrics.shutdown();
  });
});
