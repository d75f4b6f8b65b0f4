// Metrics, medians of interleaved rounds: the recording hot path against the OpenTelemetry SDK (with
// a reader) and prom-client; raw samples into PostgreSQL against a server-side COPY of the same rows
// from a file and a pg-copy-streams COPY with a plain encoder; p50+p95+p99 over 1M fresh
// observations (no rollup yet) against one exact percentile_cont(ARRAY[...]) pass over the raw
// values, with the hourly rollup's cost and the query after it reported beside.
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import promClient from 'prom-client';
import { createLogger } from '../src/logger.js';
import { MetricsCollector } from '../src/metrics/MetricsCollector.js';
import { METRIC_COLUMNS, type MetricRow, rawRow } from '../src/metrics/metricRows.js';
import { getPercentile } from '../src/metrics/queryMetrics.js';
import { rollupMetrics } from '../src/metrics/rollupMetrics.js';
import { type StoredSeries, storedSeries } from '../src/metrics/StoredSeries.js';
import { ManualClock } from '../src/testing/ManualClock.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { anchorCopyText, onEmptied, serverSideCopyRate, streamCopyRate } from './copyAnchors.js';
import {
  type BenchResult,
  compare,
  compareRounds,
  interleavedRounds,
  itemsPerSecond,
  nsPerOpOnce,
  timeMs,
} from './harness.js';

const silent = createLogger('silent');
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);
/** Rounds of the percentile figures: each runs the day's rollup (tens of seconds). */
const ROLLUP_ROUNDS = Number(process.env.PGTEL_BENCH_ROLLUP_ROUNDS ?? 3);
const LABEL_SETS = Array.from({ length: 8 }, (_, i) => ({
  method: i % 2 ? 'GET' : 'POST',
  route: `/r${i}`,
  code: '200',
}));
const labelsAt = (i: number) => LABEL_SETS[i & 7]!;
const benchSeriesCache = new Map<string, StoredSeries>();
/** The stored series of a bench metric and label set, computed once. */
function benchSeries(name: string, labels: Record<string, string>): StoredSeries {
  const key = `${name}\0${JSON.stringify(labels)}`;
  let series = benchSeriesCache.get(key);
  if (!series) {
    series = storedSeries({
      name,
      serviceName: 'bench',
      resource: {},
      scopeName: '',
      scopeVersion: '',
      labels,
    });
    benchSeriesCache.set(key, series);
  }
  return series;
}

async function hotPath(): Promise<BenchResult[]> {
  const ours = new MetricsCollector({ flushIntervalMs: 0, logger: silent });
  const counter = ours.createCounter('bench_requests_total');
  const histogram = ours.createHistogram('bench_latency_ms');
  const bound = counter.bind(LABEL_SETS[0]);

  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('bench');
  const otelCounter = meter.createCounter('bench_requests_total');
  const otelHistogram = meter.createHistogram('bench_latency_ms');

  const registry = new promClient.Registry();
  const promCounter = new promClient.Counter({
    name: 'bench_requests_total',
    help: 'bench',
    labelNames: ['method', 'route', 'code'],
    registers: [registry],
  });

  const value = (i: number) => 1 + (i % 1000) * 0.37;
  const loop =
    (fn: (i: number) => void, iterations = 1_000_000) =>
    async () =>
      nsPerOpOnce(fn, iterations);
  const m = await interleavedRounds(ROUNDS, {
    oursAdd: loop((i) => counter.add(1, labelsAt(i))),
    otelAdd: loop((i) => otelCounter.add(1, labelsAt(i))),
    promAdd: loop((i) => promCounter.inc(labelsAt(i), 1)),
    boundAdd: loop(() => bound.add(1), 10_000_000),
    oursRecord: loop((i) => histogram.record(value(i), labelsAt(i))),
    otelRecord: loop((i) => otelHistogram.record(value(i), labelsAt(i))),
  });
  await provider.shutdown();
  return [
    compareRounds(
      'counter.add, 3 labels',
      'ns/op',
      m.oursAdd,
      m.otelAdd,
      '@opentelemetry/sdk-metrics',
      '<= 1.0',
    ),
    compareRounds('counter.add, 3 labels', 'ns/op', m.oursAdd, m.promAdd, 'prom-client inc', '<= 0.25'),
    compareRounds(
      'bound counter handle add',
      'ns/op',
      m.boundAdd,
      m.boundAdd.map(() => 15),
      'budget of 15 ns',
      '<= 1.0',
    ),
    compareRounds(
      'histogram.record, 3 labels',
      'ns/op',
      m.oursRecord,
      m.otelRecord,
      'OTel explicit-bucket histogram',
      '<= 1.5',
    ),
  ];
}

async function writePath(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_metrics_write');
  try {
    const count = 100_000;
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const table = db.table('metrics');
    const rows: MetricRow[] = Array.from({ length: count }, (_, i) =>
      rawRow(benchSeries('bench_raw_ms', labelsAt(i)), 'histogram', 1 + (i % 977), new Date(clock.now())),
    );
    const copyText = anchorCopyText(rows);
    const m = await interleavedRounds(ROUNDS, {
      serverCopy: onEmptied(db, table, () => serverSideCopyRate(db, table, METRIC_COLUMNS, copyText, count)),
      raw: onEmptied(db, table, async () => {
        const raw = new MetricsCollector({
          db,
          clock,
          flushIntervalMs: 0,
          logger: silent,
          maxPendingRows: count,
        });
        const rawHistogram = raw.createHistogram('bench_raw_ms', { raw: true });
        const rate = await itemsPerSecond(count, async () => {
          for (let i = 0; i < count; i++) rawHistogram.record(1 + (i % 977), labelsAt(i));
          await raw.flush();
        });
        await raw.shutdown();
        return rate;
      }),
      streamCopy: onEmptied(db, table, () => streamCopyRate(table, METRIC_COLUMNS, rows, 5_000)),
    });
    const anchor = 'server-side COPY from a file';
    return [
      compareRounds('raw mode: samples into PostgreSQL', 'samples/s', m.raw, m.serverCopy, anchor, '>= 0.8'),
      compareRounds(
        'metrics: pg-copy-streams, plain encoder, raw rows',
        'samples/s',
        m.streamCopy,
        m.serverCopy,
        anchor,
        '>= 0',
      ),
    ];
  } finally {
    await dropBenchDatabase(db);
  }
}

/** percentile_cont over sorted values. */
function exact(sorted: Float64Array, p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (rank - lo);
}

async function percentiles(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_metrics_percentile');
  try {
    const total = 1_000_000;
    const hours = 24;
    const start = new Date('2026-06-01T00:00:00Z');
    const clock = new ManualClock(start);
    const metrics = new MetricsCollector({ db, clock, flushIntervalMs: 0, logger: silent });
    const histogram = metrics.createHistogram('bench_latency_ms');
    const values = new Float64Array(total);
    const rawRows: MetricRow[] = [];
    const perFlush = Math.ceil(total / (hours * 60));
    let seed = 42;
    for (let i = 0; i < total; i++) {
      // Log-normal-ish latencies: a long tail, like real request times.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const u = (seed + 1) / 2147483649;
      values[i] = Math.exp(3 + 1.2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(i));
      histogram.record(values[i]!, { shard: String(i % 4) });
      rawRows.push(rawRow(benchSeries('bench_raw_ms', {}), 'histogram', values[i]!, new Date(clock.now())));
      if ((i + 1) % perFlush === 0) {
        clock.advance(60_000);
        await metrics.flush();
      }
      if (rawRows.length === 50_000) await db.copyRows('metrics', METRIC_COLUMNS, rawRows.splice(0));
    }
    await db.copyRows('metrics', METRIC_COLUMNS, rawRows.splice(0));
    await metrics.shutdown();
    clock.advance(3_600_000);
    await db.exec(`ANALYZE ${db.table('metrics')}`);

    const window = { start, end: new Date(start.getTime() + (hours + 1) * 3_600_000) };
    const ps = [0.5, 0.95, 0.99];
    const ourValues: number[] = [];
    const ourQuantiles = async () => {
      ourValues.length = 0;
      for (const p of ps) ourValues.push((await getPercentile(db, 'bench_latency_ms', p, window))!);
    };
    const m = await interleavedRounds(ROLLUP_ROUNDS, {
      fresh: async () => {
        // Fresh data: no hour rolled up yet.
        await db.exec(
          `DELETE FROM ${db.table('metrics_hourly')}; DELETE FROM ${db.table('metric_rollup_hours')}`,
        );
        return timeMs(ourQuantiles);
      },
      exact: () =>
        timeMs(() =>
          db.query(
            `SELECT percentile_cont($1::float8[]) WITHIN GROUP (ORDER BY metric_value) AS v FROM ${db.table('metrics')}
              WHERE metric_name = 'bench_raw_ms' AND recorded_at >= $2 AND recorded_at < $3`,
            [ps, window.start, window.end],
          ),
        ),
      rollup: () => timeMs(() => rollupMetrics(db, { clock, lookbackHours: hours + 2 })),
      rolled: () => timeMs(ourQuantiles),
    });
    const sorted = values.sort();
    const anchor = 'one percentile_cont(ARRAY[...]) pass over the raw values';
    const results = [
      compareRounds('p50+p95+p99 over 1M fresh observations', 'ms', m.fresh, m.exact, anchor, '<= 0.3'),
      compareRounds(
        'p50+p95+p99 over 1M observations, after rollup',
        'ms',
        m.rolled,
        m.exact,
        anchor,
        '<= 0.05',
      ),
      compareRounds(`hourly rollup of ${hours} h (1M observations)`, 'ms', m.rollup, m.exact, anchor, '>= 0'),
    ];
    ps.forEach((p, i) => {
      const truth = exact(sorted, p);
      const errorPct = (Math.abs(ourValues[i]! - truth) / truth) * 100;
      results.push(
        compare(`p${p * 100} relative error, 1M observations`, '%', errorPct, 1, 'bound of 1%', '<= 1.0'),
      );
    });
    return results;
  } finally {
    await dropBenchDatabase(db);
  }
}

export default async function (): Promise<BenchResult[]> {
  return [...(await hotPath()), ...(await writePath()), ...(await percentiles())];
}
