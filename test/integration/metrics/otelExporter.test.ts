import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { PgtelMetricExporter } from '../../../src/metrics/PgtelMetricExporter.js';
import { getPercentile } from '../../../src/metrics/queryMetrics.js';
import { openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (rank - lo);
}

describe('PgtelMetricExporter with the OpenTelemetry SDK', () => {
  it('stores delta counters, up-down counters, gauges and both kinds of histograms', async () => {
    const exporter = new PgtelMetricExporter({ db: ctx.db, logger: createLogger('silent') });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      readers: [reader],
      views: [
        {
          instrumentName: 'otel.exp_ms',
          aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 1000 } },
        },
      ],
    });
    const meter = provider.getMeter('test');
    const requests = meter.createCounter('otel.requests', { description: 'Requests', unit: '1' });
    const active = meter.createUpDownCounter('otel.active');
    const explicit = meter.createHistogram('otel.explicit_ms', { unit: 'ms' });
    const exponential = meter.createHistogram('otel.exp_ms', { unit: 'ms' });
    meter.createObservableGauge('otel.temperature').addCallback((r) => r.observe(21.5, { room: 'a' }));

    const values: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = 1 + ((i * 7919) % 3000) / 3;
      values.push(v);
      explicit.record(v, { route: '/x' });
      exponential.record(v, { route: '/x' });
    }
    requests.add(5, { code: '200' });
    active.add(3);
    active.add(-1);
    await provider.forceFlush();
    requests.add(2, { code: '200' });
    await provider.forceFlush();
    await provider.shutdown();

    const sums = await ctx.db.query<{ metric_name: string; metric_type: string; total: number; n: number }>(
      `SELECT metric_name, metric_type, sum(metric_value) AS total, count(*)::int AS n FROM ${ctx.db.table('metrics')}
        WHERE metric_name IN ('otel.requests', 'otel.active', 'otel.temperature') GROUP BY 1, 2 ORDER BY 1`,
    );
    // Delta temporality: the second export holds only the new increments; the gauge is observed at each of 3 collections.
    expect(sums.rows).toEqual([
      { metric_name: 'otel.active', metric_type: 'counter', total: 2, n: 1 },
      { metric_name: 'otel.requests', metric_type: 'counter', total: 7, n: 2 },
      { metric_name: 'otel.temperature', metric_type: 'gauge', total: 64.5, n: 3 },
    ]);
    const kinds = await ctx.db.query<{ metric_name: string; instrument: string; unit: string }>(
      `SELECT metric_name, instrument, unit FROM ${ctx.db.table('metric_descriptions')} WHERE metric_name LIKE 'otel.%' ORDER BY 1`,
    );
    expect(kinds.rows.map((r) => `${r.metric_name}:${r.instrument}`)).toEqual([
      'otel.active:updowncounter',
      'otel.exp_ms:histogram',
      'otel.explicit_ms:histogram',
      'otel.requests:counter',
      'otel.temperature:gauge',
    ]);

    const window = { start: new Date(Date.now() - 3_600_000) };
    for (const p of [0.5, 0.95, 0.99]) {
      const truth = exact(values, p);
      // 1000 exponential buckets over 1..1000 give scale 6 (1.1% wide): half of that plus the sketch's 1%.
      const fromExponential = await getPercentile(ctx.db, 'otel.exp_ms', p, window);
      expect(Math.abs(fromExponential! - truth) / truth).toBeLessThanOrEqual(0.0055 + 0.01);
      // Explicit buckets are coarse: the estimate stays inside the true value's bucket.
      const fromExplicit = await getPercentile(ctx.db, 'otel.explicit_ms', p, window);
      const bounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
      const upper = bounds.find((b) => b >= truth)!;
      const lower = [...bounds].reverse().find((b) => b < truth)!;
      expect(fromExplicit!).toBeGreaterThanOrEqual(lower * 0.99);
      expect(fromExplicit!).toBeLessThanOrEqual(upper * 1.01);
    }
    const totals = await ctx.db.query<{ count: number; sum: number; min: number; max: number }>(
      `SELECT sum(sample_count)::int AS count, sum(sample_sum) AS sum, min(sample_min) AS min, max(sample_max) AS max
         FROM ${ctx.db.table('metrics')} WHERE metric_name = 'otel.exp_ms'`,
    );
    expect(totals.rows[0]).toMatchObject({ count: 2000, min: Math.min(...values), max: Math.max(...values) });
    expect(totals.rows[0]!.sum).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      6,
    );
    expect(exporter.stats()).toMatchObject({ droppedRows: 0, pendingRows: 0, skippedPoints: 0 });
  });

  it('reports FAILED and keeps the rows when the database cannot be written, then refuses after shutdown', async () => {
    const db = await openTestDatabase({ migrated: false }); // nothing created, nothing to drop
    await db.close();
    const exporter = new PgtelMetricExporter({ db, logger: createLogger('silent') });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    provider.getMeter('t').createCounter('otel.lost_total').add(3);
    const results: number[] = [];
    const original = exporter.export.bind(exporter);
    exporter.export = (metrics, callback) =>
      original(metrics, (result) => {
        results.push(result.code);
        callback(result);
      });
    await provider.forceFlush().catch(() => undefined);
    expect(results).toEqual([1]);
    expect(exporter.stats()).toMatchObject({ pendingRows: 1, writtenRows: 0 });
    await provider.shutdown().catch(() => undefined);
    expect(exporter.stats()).toMatchObject({ pendingRows: 0, droppedRows: 1 });
    const after = await new Promise<number>((resolve) =>
      exporter.export({ resource: {}, scopeMetrics: [] } as never, (r) => resolve(r.code)),
    );
    expect(after).toBe(1);
  });
});
