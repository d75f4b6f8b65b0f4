import type { Clock } from '../clock.js';
import { resolveOption } from '../config.js';
import type { Database } from '../db/Database.js';
import { ConfigError, ValidationError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { RetryOptions } from '../retryDelay.js';
import { describeMetrics } from './describeMetrics.js';
import { ExemplarReservoir } from './ExemplarReservoir.js';
import {
  Instrument,
  type InstrumentKind,
  type InstrumentOptions,
  type InstrumentSink,
  RefusedInstrument,
  storedType,
} from './Instrument.js';
import {
  type Counter,
  type Gauge,
  type Histogram,
  InstrumentHandle,
  type UpDownCounter,
} from './instruments.js';
import type { Labels } from './labelKey.js';
import { MetricWriter, type WriteReport, type WriterStats } from './MetricWriter.js';
import { metricNameProblem, shortName } from './metricName.js';
import { aggregateRow, type MetricRow, rawRow } from './metricRows.js';
import {
  getPercentile,
  type MetricQueryOptions,
  type MetricRecord,
  type PercentileOptions,
  queryMetrics,
} from './queryMetrics.js';
import type { Series, SeriesSnapshot } from './Series.js';
import { type SeriesOrigin, type StoredSeries, storedSeries } from './StoredSeries.js';
import { sampledSpanIds } from './sampledSpanIds.js';

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

/** Current values of one metric, for exposition. */
export interface MetricSnapshot {
  name: string;
  kind: InstrumentKind;
  description: string;
  unit: string;
  /** Histograms: `le` bounds to expose, when the instrument sets them. */
  buckets: readonly number[] | undefined;
  series: SeriesSnapshot[];
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

/** What one flush of a `MetricsCollector` wrote and kept pending. */
export interface FlushReport extends WriteReport {
  /** Rows produced by this flush (aggregates and raw observations). */
  rows: number;
}

const REPORT_LIMIT = 1000;

const preciseClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/**
 * Counters, up-down counters, gauges and histograms aggregated in memory and written to PostgreSQL
 * once per interval, one row per active series, with COPY. Recording never waits on I/O and never
 * throws; invalid input is counted and reported once per metric and reason.
 */
export class MetricsCollector {
  readonly clock: Clock;
  private readonly db: Database | undefined;
  private readonly logger: Logger;
  private readonly writer: MetricWriter | undefined;
  private readonly instruments = new Map<string, Instrument>();
  private readonly undescribed: Instrument[] = [];
  private readonly sink: InstrumentSink;
  private readonly rawNames: Set<string>;
  private readonly exemplarsPerSeries: number;
  private rawRows: MetricRow[] = [];
  /** Series of `rawRows`, to register with them. */
  private rawSeries = new Set<StoredSeries>();
  private readonly origin: Omit<SeriesOrigin, 'name'>;
  /** Start of the running interval: the previous flush (or the collector's creation). */
  private intervalStart: Date;
  private readonly timer: NodeJS.Timeout | undefined;
  private nextFlushAt: number;
  private closing: Promise<FlushReport> | undefined;
  private readonly reported = new Set<string>();
  private readonly counts = {
    invalidObservations: 0,
    invalidByMetric: {} as Record<string, number>,
    overflowObservations: 0,
    droppedRawObservations: 0,
  };

  constructor(private readonly options: MetricsCollectorOptions = {}) {
    const interval = options.flushIntervalMs ?? 10_000;
    if (!Number.isFinite(interval) || interval < 0)
      throw new ConfigError(`flushIntervalMs must be 0 or a positive number, got ${interval}`);
    this.db = options.db;
    this.clock = options.clock ?? preciseClock;
    this.logger = options.logger ?? createLogger('info');
    this.rawNames = new Set(options.rawMetrics ?? []);
    const exemplars = options.exemplarsPerSeries ?? 4;
    if (!Number.isInteger(exemplars) || exemplars < 0 || exemplars > 100)
      throw new ConfigError(`exemplarsPerSeries must be a whole number from 0 to 100, got ${exemplars}`);
    this.exemplarsPerSeries = exemplars;
    this.nextFlushAt = this.clock.now() + interval;
    this.intervalStart = new Date(this.clock.now());
    this.origin = {
      serviceName: resolveOption('serviceName', { serviceName: options.serviceName }),
      resource: { ...options.resource },
      scopeName: '',
      scopeVersion: '',
    };
    if (this.db) {
      this.writer = new MetricWriter({
        db: this.db,
        clock: this.clock,
        logger: this.logger,
        maxPendingRows: options.maxPendingRows,
        retry: options.retry,
      });
    }
    this.sink = {
      clock: this.clock,
      invalid: (name, reason) => this.invalid(name, reason),
      overflowed: (instrument) => {
        this.counts.overflowObservations++;
        this.reportOnce(
          `overflow:${instrument.name}`,
          `metric ${shortName(instrument.name)} reached its cap of ${this.maxSeries} label sets; further label sets are folded into the overflow series`,
        );
      },
      raw: (instrument, series, value) => this.keepRaw(instrument, series, value),
      reservoir: () =>
        this.exemplarsPerSeries > 0
          ? new ExemplarReservoir(this.exemplarsPerSeries, {
              activeSpan: sampledSpanIds,
              now: () => this.clock.now(),
            })
          : undefined,
    };
    if (interval > 0) {
      // The timer only asks "is a flush or a retry due?"; the clock decides, so tests drive it with tick().
      this.timer = setInterval(() => void this.tick(), interval);
      this.timer.unref();
    }
  }

  private get maxSeries(): number {
    return this.options.maxSeriesPerMetric ?? 2000;
  }

  /** A monotonic counter. Same name and kind returns the same instrument. */
  createCounter(name: string, options: InstrumentOptions = {}): Counter {
    return new InstrumentHandle(this.instrument(name, 'counter', options));
  }

  createUpDownCounter(name: string, options: InstrumentOptions = {}): UpDownCounter {
    return new InstrumentHandle(this.instrument(name, 'updowncounter', options));
  }

  createGauge(name: string, options: InstrumentOptions = {}): Gauge {
    return new InstrumentHandle(this.instrument(name, 'gauge', options));
  }

  createHistogram(name: string, options: InstrumentOptions = {}): Histogram {
    return new InstrumentHandle(this.instrument(name, 'histogram', options));
  }

  /** Adds `value` (default 1) to a counter. */
  counter(name: string, value = 1, labels?: Labels): void {
    this.instrument(name, 'counter').record(value, labels);
  }

  gauge(name: string, value: number, labels?: Labels): void {
    this.instrument(name, 'gauge').record(value, labels);
  }

  histogram(name: string, value: number, labels?: Labels): void {
    this.instrument(name, 'histogram').record(value, labels);
  }

  /** Records a metric object; its type must be counter, gauge or histogram (else a ValidationError). */
  record(metric: Metric): void {
    const type = metric?.type as unknown;
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram')
      throw new ValidationError(
        `metric type must be counter, gauge or histogram, got ${shortName(String(type))}`,
      );
    this.instrument(metric.name, type).record(metric.value, metric.labels);
  }

  /** Stored rows of a metric, newest first. */
  query(name: string, options: MetricQueryOptions = {}): Promise<MetricRecord[]> {
    return queryMetrics(this.requireDb('query'), name, options);
  }

  /** The p-quantile of a metric from the database (see `getPercentile`); call `flush()` first for recent values. */
  getPercentile(name: string, p: number, options: PercentileOptions = {}): Promise<number | null> {
    return getPercentile(this.requireDb('getPercentile'), name, p, { clock: this.clock, ...options });
  }

  /**
   * What the timer runs: flushes when the interval has elapsed on the clock, and writes pending rows
   * once the backoff after a failed write has passed.
   */
  async tick(): Promise<FlushReport | undefined> {
    if (this.clock.now() >= this.nextFlushAt) return this.runFlush(false);
    if (this.writer?.due()) return { rows: 0, ...(await this.writer.write()) };
    return undefined;
  }

  /** Ends the running interval now and writes its rows and any pending ones. Never throws. */
  flush(): Promise<FlushReport> {
    return this.runFlush(true);
  }

  private async runFlush(ignoreBackoff: boolean): Promise<FlushReport> {
    this.nextFlushAt = this.clock.now() + (this.options.flushIntervalMs ?? 10_000);
    const { rows, series } = this.collect();
    if (!this.writer) return { rows: rows.length, written: 0, pending: 0 };
    this.writer.enqueue(rows, series);
    if (!ignoreBackoff && !this.writer.due())
      return { rows: rows.length, written: 0, pending: this.writer.getStats().pendingRows };
    await this.describe();
    return { rows: rows.length, ...(await this.writer.write()) };
  }

  /**
   * Stops the timer and flushes once; rows that could not be written are then counted as dropped.
   * Safe to call more than once (the same promise).
   */
  shutdown(): Promise<FlushReport> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      const report = await this.flush();
      const lost = this.writer?.abandonPending() ?? 0;
      if (lost > 0) this.logger.warn('metrics rows not written at shutdown were dropped', { rows: lost });
      return report;
    })();
    return this.closing;
  }

  /** Current values of every metric (cumulative since start), for `/metrics`. */
  snapshot(): MetricSnapshot[] {
    const result: MetricSnapshot[] = [];
    for (const instrument of this.instruments.values()) {
      if (instrument instanceof RefusedInstrument) continue;
      result.push({
        name: instrument.name,
        kind: instrument.kind,
        description: instrument.options.description ?? '',
        unit: instrument.options.unit ?? '',
        buckets: instrument.options.buckets,
        series: instrument.allSeries().map((s) => s.snapshot()),
      });
    }
    return result;
  }

  stats(): CollectorStats {
    const writer = this.writer?.getStats() ?? {
      writtenRows: 0,
      pendingRows: 0,
      droppedRows: 0,
      poisonRows: 0,
      failedWrites: 0,
      lastError: undefined,
    };
    return { ...writer, ...this.counts, invalidByMetric: { ...this.counts.invalidByMetric } };
  }

  private requireDb(what: string): Database {
    if (!this.db) throw new ConfigError(`MetricsCollector.${what}() needs a database: pass { db }`);
    return this.db;
  }

  private instrument(name: string, kind: InstrumentKind, options: InstrumentOptions = {}): Instrument {
    const existing = this.instruments.get(name);
    if (existing && existing.kind === kind) return existing;
    if (existing)
      return new RefusedInstrument(name, kind, `metric already exists as a ${existing.kind}`, this.sink);
    const problem =
      metricNameProblem(name) ??
      (this.instruments.size >= (this.options.maxMetrics ?? 1000)
        ? `more than ${this.options.maxMetrics ?? 1000} metric names`
        : undefined);
    if (problem) return new RefusedInstrument(String(name), kind, problem, this.sink);
    const raw = options.raw === true || this.rawNames.has(name);
    const created = new Instrument(name, kind, { ...options, raw }, this.maxSeries, this.sink);
    this.instruments.set(name, created);
    this.undescribed.push(created);
    return created;
  }

  private invalid(name: string, reason: string): void {
    this.counts.invalidObservations++;
    const key = shortName(name);
    const byMetric = this.counts.invalidByMetric;
    const slot = key in byMetric || Object.keys(byMetric).length < REPORT_LIMIT ? key : '(other)';
    byMetric[slot] = (byMetric[slot] ?? 0) + 1;
    this.reportOnce(`${slot}\0${reason}`, `metric ${slot}: observation refused (${reason})`);
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key) || this.reported.size >= REPORT_LIMIT) return;
    this.reported.add(key);
    this.logger.warn(`${message}; further ones are counted in stats()`);
  }

  /** The series as stored, computed once. */
  private stored(instrument: Instrument, series: Series): StoredSeries {
    series.stored ??= storedSeries({ ...this.origin, name: instrument.name, labels: series.labels });
    return series.stored;
  }

  private keepRaw(instrument: Instrument, series: Series, value: number): void {
    if (!this.writer) return; // in memory only: the series keep the values for exposition
    if (this.rawRows.length >= (this.options.maxPendingRows ?? 100_000)) {
      this.counts.droppedRawObservations++;
      this.reportOnce(
        `raw:${instrument.name}`,
        `raw observations of ${shortName(instrument.name)} dropped: buffer full`,
      );
      return;
    }
    const span = this.exemplarsPerSeries > 0 ? sampledSpanIds() : undefined;
    const stored = this.stored(instrument, series);
    this.rawSeries.add(stored);
    this.rawRows.push(rawRow(stored, storedType(instrument.kind), value, new Date(this.clock.now()), span));
  }

  /** Ends the interval: one row per active aggregated series, plus the raw observations. */
  private collect(): { rows: MetricRow[]; series: Set<StoredSeries> } {
    const start = this.intervalStart;
    // An interval ends after it starts, so two flushes in one millisecond never share a row key.
    const at = new Date(Math.max(this.clock.now(), start.getTime() + 1));
    this.intervalStart = at;
    const rows = this.rawRows;
    const stored = this.rawSeries;
    this.rawRows = [];
    this.rawSeries = new Set();
    for (const instrument of this.instruments.values()) {
      for (const series of instrument.allSeries()) {
        const aggregate = series.takeInterval();
        const exemplars = series.takeExemplars();
        if (aggregate && !instrument.raw) {
          const s = this.stored(instrument, series);
          stored.add(s);
          rows.push(aggregateRow(s, storedType(instrument.kind), aggregate, at, start, exemplars));
        }
      }
    }
    return { rows, series: stored };
  }

  /** Upserts kind, unit and description of new instruments; retried at the next flush on failure. */
  private async describe(): Promise<void> {
    if (!this.db || this.undescribed.length === 0) return;
    const batch = this.undescribed.splice(0);
    try {
      await describeMetrics(
        this.db,
        batch.map((i) => ({
          name: i.name,
          kind: i.kind,
          unit: i.options.unit ?? '',
          description: i.options.description ?? '',
          raw: i.raw,
        })),
      );
    } catch {
      this.undescribed.unshift(...batch);
    }
  }
}
