import type { Clock } from '../clock.js';
import { resolveOption } from '../config.js';
import type { Database } from '../db/Database.js';
import { ConfigError, ValidationError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { RetryOptions } from '../retryDelay.js';
import type { InstrumentOptions } from './Instrument.js';
import {
  type Counter,
  type Gauge,
  type Histogram,
  InstrumentHandle,
  type UpDownCounter,
} from './instruments.js';
import type { Labels } from './labelKey.js';
import { type FlushReport, MetricFlusher } from './MetricFlusher.js';
import { MetricQueries, type MetricSnapshot } from './MetricQueries.js';
import { MetricRecorder } from './MetricRecorder.js';
import type { WriterStats } from './MetricWriter.js';
import { shortName } from './metricName.js';
import type { MetricQueryOptions, MetricRecord, PercentileOptions } from './queryMetrics.js';

export type { FlushReport } from './MetricFlusher.js';
export type { MetricSnapshot } from './MetricQueries.js';

/** Options of `MetricsCollector`. */
export interface MetricsCollectorOptions {
  /** Where rows are written. Default: none, values live in memory only (for `/metrics` exposition). */
  db?: Database | undefined;
  /** Time source for intervals, timers and retries. Default: the system clock with sub-millisecond precision. */
  clock?: Clock | undefined;
  /** Receives write failures and dropped data. Default: a logger at level info on stderr. */
  logger?: Logger | undefined;
  /** Flush interval in milliseconds; 0 disables the timer (call `flush()` or `tick()`). Default 10,000. */
  flushIntervalMs?: number | undefined;
  /** Distinct label sets per metric; beyond, observations fold into one overflow series. Default 2,000. */
  maxSeriesPerMetric?: number | undefined;
  /** Distinct metric names; beyond, new names are refused (counted). Default 1,000. */
  maxMetrics?: number | undefined;
  /** Metrics stored in raw mode (one row per observation) whatever their instrument options say. Default: none. */
  rawMetrics?: readonly string[] | undefined;
  /** Rows held while the database is unreachable (oldest dropped beyond). Default 100,000. */
  maxPendingRows?: number | undefined;
  /** Backoff between retries of a failed write (rows are kept meanwhile). Default `{ baseMs: 1_000, maxMs: 60_000 }`. */
  retry?: RetryOptions | undefined;
  /**
   * Exemplars kept per counter or histogram series and flush interval: observations made inside a
   * recorded (sampled) OpenTelemetry span, stored with their trace and span ids in the `exemplars`
   * column and shown in the OpenMetrics exposition. One slot keeps the interval's highest value, the
   * others a uniform sample. 0 disables them; at most 100. Default 4.
   */
  exemplarsPerSeries?: number | undefined;
  /** `service.name` of the resource the series belong to. Default: `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string | undefined;
  /** Other resource attributes of every series (e.g. `deployment.environment`). Default: none. */
  resource?: Readonly<Record<string, string>> | undefined;
}

/** A metric as `MetricsCollector.record()` takes it. */
export interface Metric {
  name: string;
  value: number;
  type: 'counter' | 'gauge' | 'histogram';
  labels?: Labels;
}

/** Health of the collector: every observation not stored is counted here. */
export interface CollectorStats extends WriterStats {
  /** Observations refused (bad value, bad labels, bad name, kind conflict). */
  invalidObservations: number;
  /** Refused observations by metric name (names shortened; at most 1,000 names, then `(other)`). */
  invalidByMetric: Record<string, number>;
  /** Observations folded into an overflow series because of the series cap. */
  overflowObservations: number;
  /** Raw-mode observations dropped because the raw buffer was full. */
  droppedRawObservations: number;
}

const preciseClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/**
 * Counters, up-down counters, gauges and histograms aggregated in memory and written to PostgreSQL
 * once per interval, one row per active series, with COPY. Recording never waits on I/O and never
 * throws; invalid input is counted and reported once per metric and reason. A facade over three
 * parts: recording (`MetricRecorder`: instruments and the hot path), flushing (`MetricFlusher`:
 * timer, raw buffer, writer) and querying (`MetricQueries`: stored rows, percentiles, exposition).
 */
export class MetricsCollector {
  readonly clock: Clock;
  private readonly recorder: MetricRecorder;
  private readonly flusher: MetricFlusher;
  private readonly queries: MetricQueries;

  constructor(options: MetricsCollectorOptions = {}) {
    const interval = options.flushIntervalMs ?? 10_000;
    if (!Number.isFinite(interval) || interval < 0)
      throw new ConfigError(`flushIntervalMs must be 0 or a positive number, got ${interval}`);
    const exemplars = options.exemplarsPerSeries ?? 4;
    if (!Number.isInteger(exemplars) || exemplars < 0 || exemplars > 100)
      throw new ConfigError(`exemplarsPerSeries must be a whole number from 0 to 100, got ${exemplars}`);
    this.clock = options.clock ?? preciseClock;
    const logger = options.logger ?? createLogger('info');
    this.recorder = new MetricRecorder({
      clock: this.clock,
      logger,
      maxSeriesPerMetric: options.maxSeriesPerMetric,
      maxMetrics: options.maxMetrics,
      rawMetrics: options.rawMetrics,
      exemplarsPerSeries: exemplars,
      raw: (instrument, series, value) => this.flusher.keepRaw(instrument, series, value),
    });
    this.flusher = new MetricFlusher({
      recorder: this.recorder,
      db: options.db,
      clock: this.clock,
      logger,
      flushIntervalMs: interval,
      maxPendingRows: options.maxPendingRows,
      retry: options.retry,
      exemplars: exemplars > 0,
      origin: {
        serviceName: resolveOption('serviceName', { serviceName: options.serviceName }),
        resource: { ...options.resource },
        scopeName: '',
        scopeVersion: '',
      },
    });
    this.queries = new MetricQueries(this.recorder, options.db, this.clock);
  }

  /** A monotonic counter. Same name and kind returns the same instrument. */
  createCounter(name: string, options: InstrumentOptions = {}): Counter {
    return new InstrumentHandle(this.recorder.instrument(name, 'counter', options));
  }

  createUpDownCounter(name: string, options: InstrumentOptions = {}): UpDownCounter {
    return new InstrumentHandle(this.recorder.instrument(name, 'updowncounter', options));
  }

  createGauge(name: string, options: InstrumentOptions = {}): Gauge {
    return new InstrumentHandle(this.recorder.instrument(name, 'gauge', options));
  }

  createHistogram(name: string, options: InstrumentOptions = {}): Histogram {
    return new InstrumentHandle(this.recorder.instrument(name, 'histogram', options));
  }

  /** Adds `value` (default 1) to a counter. */
  counter(name: string, value = 1, labels?: Labels): void {
    this.recorder.instrument(name, 'counter').record(value, labels);
  }

  gauge(name: string, value: number, labels?: Labels): void {
    this.recorder.instrument(name, 'gauge').record(value, labels);
  }

  histogram(name: string, value: number, labels?: Labels): void {
    this.recorder.instrument(name, 'histogram').record(value, labels);
  }

  /** Records a metric object; its type must be counter, gauge or histogram (else a ValidationError). */
  record(metric: Metric): void {
    const type = metric?.type as unknown;
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram')
      throw new ValidationError(
        `metric type must be counter, gauge or histogram, got ${shortName(String(type))}`,
      );
    this.recorder.instrument(metric.name, type).record(metric.value, metric.labels);
  }

  /** Stored rows of a metric, newest first. */
  query(name: string, options: MetricQueryOptions = {}): Promise<MetricRecord[]> {
    return this.queries.query(name, options);
  }

  /** The p-quantile of a metric from the database (see `getPercentile`); call `flush()` first for recent values. */
  getPercentile(name: string, p: number, options: PercentileOptions = {}): Promise<number | null> {
    return this.queries.getPercentile(name, p, options);
  }

  /**
   * What the timer runs: flushes when the interval has elapsed on the clock, and writes pending rows
   * once the backoff after a failed write has passed.
   */
  tick(): Promise<FlushReport | undefined> {
    return this.flusher.tick();
  }

  /** Ends the running interval now and writes its rows and any pending ones. Never throws. */
  flush(): Promise<FlushReport> {
    return this.flusher.flush();
  }

  /**
   * Stops the timer and flushes once; rows that could not be written are then counted as dropped.
   * Safe to call more than once (the same promise).
   */
  shutdown(): Promise<FlushReport> {
    return this.flusher.shutdown();
  }

  /** Current values of every metric (cumulative since start), for `/metrics`. */
  snapshot(): MetricSnapshot[] {
    return this.queries.snapshot();
  }

  stats(): CollectorStats {
    return { ...this.flusher.stats(), ...this.recorder.counters() };
  }
}
