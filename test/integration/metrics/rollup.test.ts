import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { MetricWriter } from '../../../src/metrics/MetricWriter.js';
import { rawRow } from '../../../src/metrics/metricRows.js';
import { getPercentile } from '../../../src/metrics/queryMetrics.js';
import { rollupMetrics } from '../../../src/metrics/rollupMetrics.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { testSeries } from '../../helpers/series.js';
import { onRealServer, openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const HOUR = 3_600_000;

function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (rank - lo);
}

describe('hourly rollups', () => {
  it('roll up closed hours once, keep percentiles within 1%, and serve them when the flushed rows are gone', async () => {
    const clock = new ManualClock('2026-04-01T00:00:00Z');
    const metrics = new MetricsCollector({
      db: ctx.db,
      clock,
      flushIntervalMs: 0,
      logger: createLogger('silent'),
    });
    const latency = metrics.createHistogram('rolled_ms');
    const jobs = metrics.createCounter('rolled_jobs_total');
    const values: number[] = [];
    for (let hour = 0; hour < 6; hour++) {
      for (let flush = 0; flush < 6; flush++) {
        for (let i = 0; i < 200; i++) {
          const v = 0.5 + ((i * 104729 + hour * 7 + flush * 13) % 5000) / (hour + 1);
          values.push(v);
          latency.record(v, { shard: String(i % 3) });
        }
        jobs.add(10);
        clock.advance(HOUR / 6);
        await metrics.flush();
      }
    }
    await metrics.shutdown();
    clock.advance(HOUR + 5 * 60_000);
    const first = await rollupMetrics(ctx.db, { clock });
    // The flush closing each hour is stamped with the next hour's first instant: 7 hours hold rows.
    expect(first.rolled.map((d) => d.toISOString())).toContain('2026-04-01T06:00:00.000Z');
    expect((await rollupMetrics(ctx.db, { clock })).rolled).toEqual([]);

    const hourly = await ctx.db.query<{ metric_value: number; hour: Date }>(
      `SELECT sum(metric_value) AS metric_value FROM ${ctx.db.table('metrics_hourly')} WHERE metric_name = 'rolled_jobs_total'`,
    );
    expect(hourly.rows[0]!.metric_value).toBe(360);

    const options = { start: new Date('2026-04-01T00:00:00Z'), end: new Date('2026-04-02T00:00:00Z') };
    const before: Record<number, number> = {};
    for (const p of [0.5, 0.95, 0.99]) {
      const exact = exactPercentile(values, p);
      before[p] = (await getPercentile(ctx.db, 'rolled_ms', p, options))!;
      expect(Math.abs(before[p]! - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    // Rolled hours are read from metrics_hourly: drop the flushed rows of those hours, same answers.
    await ctx.db.query(
      `DELETE FROM ${ctx.db.table('metrics')} WHERE metric_name = 'rolled_ms' AND recorded_at < '2026-04-01T06:00:00Z'`,
    );
    for (const p of [0.5, 0.95, 0.99]) {
      expect(await getPercentile(ctx.db, 'rolled_ms', p, options)).toBeCloseTo(before[p]!, 9);
    }
    const series = await ctx.db.query<{ bucket_start: Date; value: number | null }>(
      `SELECT * FROM ${ctx.db.table('metric_percentile_series')}('rolled_ms', 0.5, $1, $2, interval '1 hour', '{"shard":"1"}')`,
      [new Date('2026-04-01T00:00:00Z'), new Date('2026-04-01T08:00:00Z')],
    );
    expect(series.rows).toHaveLength(8);
    expect(series.rows.slice(0, 7).every((r) => r.value !== null && r.value > 0)).toBe(true);
    expect(series.rows[7]!.value).toBeNull();
    const view = await ctx.db.query<{ p99: number; sample_count: number }>(
      `SELECT p99, sample_count FROM ${ctx.db.table('metric_hourly_percentiles')} WHERE metric_name = 'rolled_ms' AND labels = '{"shard":"0"}'`,
    );
    expect(view.rows.length).toBeGreaterThan(0);
    expect(view.rows.every((r) => r.p99 > 0)).toBe(true);
  });

  it('rolls an hour again when late rows arrive for it', async () => {
    const clock = new ManualClock('2026-04-05T10:30:00Z');
    const metrics = new MetricsCollector({
      db: ctx.db,
      clock,
      flushIntervalMs: 0,
      logger: createLogger('silent'),
      serviceName: 'test',
    });
    metrics.counter('late_total', 1);
    await metrics.flush();
    clock.set('2026-04-05T12:00:00Z');
    expect(
      (await rollupMetrics(ctx.db, { clock, lookbackHours: 2 })).rolled.map((d) => d.toISOString()),
    ).toEqual(['2026-04-05T09:00:00.000Z', '2026-04-05T10:00:00.000Z']);
    // A flush delayed past the hour (the database was away): its row is stamped 10:59, written at 12:00.
    const writer = new MetricWriter({ db: ctx.db, clock });
    const series = testSeries('late_total');
    writer.enqueue([rawRow(series, 'counter', 5, new Date('2026-04-05T10:59:00Z'))], [series]);
    expect(await writer.write()).toMatchObject({ written: 1, pending: 0 });
    const again = await rollupMetrics(ctx.db, { clock, lookbackHours: 2 });
    expect(again.rolled.map((d) => d.toISOString())).toEqual(['2026-04-05T10:00:00.000Z']);
    const hourly = await ctx.db.query<{ metric_value: number }>(
      `SELECT metric_value FROM ${ctx.db.table('metrics_hourly')} WHERE metric_name = 'late_total'`,
    );
    expect(hourly.rows).toEqual([{ metric_value: 6 }]);
    await metrics.shutdown();
  });

  it.runIf(onRealServer)(
    'is safe from several processes at once: each hour rolled exactly once',
    async () => {
      const clock = new ManualClock('2026-04-08T00:00:00Z');
      const metrics = new MetricsCollector({
        db: ctx.db,
        clock,
        flushIntervalMs: 0,
        logger: createLogger('silent'),
      });
      for (let h = 0; h < 8; h++) {
        metrics.histogram('concurrent_ms', h + 1, { h: String(h) });
        clock.advance(HOUR);
        await metrics.flush();
      }
      await metrics.shutdown();
      clock.advance(2 * HOUR);
      const others = await Promise.all(
        [1, 2].map(() => openTestDatabase({ schema: ctx.db.schema, migrated: false })),
      );
      try {
        const reports = await Promise.all(
          [ctx.db, ...others].map((db) => rollupMetrics(db, { clock, lookbackHours: 10 })),
        );
        const rolled = reports.flatMap((r) => r.rolled.map((d) => d.toISOString()));
        expect(new Set(rolled).size).toBe(rolled.length);
        const counts = await ctx.db.query<{ n: number; hours: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT hour)::int AS hours FROM ${ctx.db.table('metrics_hourly')} WHERE metric_name = 'concurrent_ms'`,
        );
        expect(counts.rows[0]).toEqual({ n: 8, hours: 8 });
      } finally {
        for (const db of others) await db.close();
      }
    },
  );
});
