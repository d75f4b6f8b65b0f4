// Metrics: the recording hot path against the OpenTelemetry SDK and prom-client, the write path
// against plain COPY and the seed's INSERT per observation, percentiles against exact percentile_cont.
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
import { type BenchResult, bestMs, compare, itemsPerSecond, nsPerOp } from './harness.js';

const silent = createLogger('silent');
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

function hotPath(): BenchResult[] {
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
  const oursAdd = nsPerOp((i) => counter.add(1, labelsAt(i)));
  const otelAdd = nsPerOp((i) => otelCounter.add(1, labelsAt(i)));
  const promAdd = nsPerOp((i) => promCounter.inc(labelsAt(i), 1));
  const boundAdd = nsPerOp(() => bound.add(1), 10_000_000);
  const oursRecord = nsPerOp((i) => histogram.record(value(i), labelsAt(i)));
  const otelRecord = nsPerOp((i) => otelHistogram.record(value(i), labelsAt(i)));
  void provider.shutdown();
  return [
    compare('counter.add, 3 labels', 'ns/op', oursAdd, otelAdd, '@opentelemetry/sdk-metrics', '<= 1.0'),
    compare('counter.add, 3 labels', 'ns/op', oursAdd, promAdd, 'prom-client inc', '<= 0.25'),
    compare('bound counter handle add', 'ns/op', boundAdd, 15, 'budget of 15 ns', '<= 1.0'),
    compare(
      'histogram.record, 3 labels',
      'ns/op',
      oursRecord,
      otelRecord,
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
    const raw = new MetricsCollector({
      db,
      clock,
      flushIntervalMs: 0,
      logger: silent,
      maxPendingRows: count,
    });
    const rawHistogram = raw.createHistogram('bench_raw_ms', { raw: true });
    const rawRate = await itemsPerSecond(count, async () => {
      for (let i = 0; i < count; i++) rawHistogram.record(1 + (i % 977), labelsAt(i));
      await raw.flush();
    });
    await raw.shutdown();
    const rows: MetricRow[] = Array.from({ length: count }, (_, i) =>
      rawRow(benchSeries('bench_copy_ms', labelsAt(i)), 'histogram', 1 + (i % 977), new Date(clock.now())),
    );
    const copyRate = await itemsPerSecond(count, () => db.copyRows('metrics', METRIC_COLUMNS, rows));

    const aggregated = new MetricsCollector({ db, clock, flushIntervalMs: 0, logger: silent });
    const histogram = aggregated.createHistogram('bench_aggregated_ms');
    const aggregatedRate = await itemsPerSecond(count, async () => {
      for (let i = 0; i < count; i++) histogram.record(1 + (i % 977), labelsAt(i));
      await aggregated.flush();
    });
    await aggregated.shutdown();

    const seedCount = count; // the same 100k observations, one INSERT and one transaction each
    const seedRate = await itemsPerSecond(seedCount, async () => {
      for (let i = 0; i < seedCount; i++) {
        await db.query(
          `INSERT INTO ${db.table('metrics')} (metric_name, metric_value, metric_type, labels) VALUES ($1, $2, 'histogram', $3::jsonb)`,
          ['bench_seed_ms', 1 + (i % 977), JSON.stringify(labelsAt(i))],
        );
      }
    });
    return [
      compare(
        'raw mode: samples into PostgreSQL',
        'samples/s',
        rawRate,
        copyRate,
        'COPY of the same rows',
        '>= 0.35',
      ),
      compare(
        'aggregated: samples into PostgreSQL',
        'samples/s',
        aggregatedRate,
        copyRate,
        'COPY of one row per sample',
        '>= 0.35',
      ),
      compare(
        'write 100k observations',
        'samples/s',
        aggregatedRate,
        seedRate,
        'seed: INSERT per observation',
        '>= 10',
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
    await rollupMetrics(db, { clock, lookbackHours: hours + 2 });
    await db.exec(`ANALYZE ${db.table('metrics')}`);

    const window = { start, end: new Date(start.getTime() + (hours + 1) * 3_600_000) };
    const ps = [0.5, 0.95, 0.99];
    const ourValues: number[] = [];
    const ours = await bestMs(async () => {
      ourValues.length = 0;
      for (const p of ps) ourValues.push((await getPercentile(db, 'bench_latency_ms', p, window))!);
    });
    const baseline = await bestMs(async () => {
      for (const p of ps)
        await db.query(
          `SELECT percentile_cont($1) WITHIN GROUP (ORDER BY metric_value) AS v FROM ${db.table('metrics')}
            WHERE metric_name = 'bench_raw_ms' AND recorded_at >= $2 AND recorded_at < $3`,
          [p, window.start, window.end],
        );
    });
    const sorted = values.sort();
    const results = [
      compare(
        'p50+p95+p99 over 1M observations',
        'ms',
        ours,
        baseline,
        'percentile_cont on raw rows',
        '<= 0.05',
      ),
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
  return [...hotPath(), ...(await writePath()), ...(await percentiles())];
}
