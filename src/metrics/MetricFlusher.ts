import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import type { Logger } from '../logger.js';
import type { RetryOptions } from '../retryDelay.js';
import { describeMetrics } from './describeMetrics.js';
import { type Instrument, storedType } from './Instrument.js';
import type { MetricRecorder } from './MetricRecorder.js';
import { MetricWriter, type WriteReport, type WriterStats } from './MetricWriter.js';
import { shortName } from './metricName.js';
import { aggregateRow, type MetricRow, rawRow } from './metricRows.js';
import { nextFlushTime } from './nextFlushTime.js';
import type { Series } from './Series.js';
import { type SeriesOrigin, type StoredSeries, storedSeries } from './StoredSeries.js';
import { sampledSpanIds } from './sampledSpanIds.js';

export interface MetricFlusherOptions {
  recorder: MetricRecorder;
  /** Where rows are written; without it, nothing is buffered or written. */
  db: Database | undefined;
  clock: Clock;
  logger: Logger;
  /** Flush interval in milliseconds; 0 disables the timer. */
  flushIntervalMs: number;
  /** Rows held while the database is unreachable, and raw observations held between flushes (default 100,000). */
  maxPendingRows?: number | undefined;
  /** Backoff between retries of a failed write. Default `{ baseMs: 1_000, maxMs: 60_000 }`. */
  retry?: RetryOptions | undefined;
  /** Whether raw rows carry the ids of the recorded span they were made in. */
  exemplars: boolean;
  /** Resource and scope of every series. */
  origin: Omit<SeriesOrigin, 'name'>;
}

/** What one flush of a `MetricsCollector` wrote and kept pending. */
export interface FlushReport extends WriteReport {
  /** Rows produced by this flush (aggregates and raw observations). */
  rows: number;
}

const NO_WRITER: WriterStats = {
  writtenRows: 0,
  pendingRows: 0,
  droppedRows: 0,
  poisonRows: 0,
  failedWrites: 0,
  lastError: undefined,
};

/**
 * The flushing part of `MetricsCollector`: the timer, the buffer of raw observations, and the end
 * of each interval (one row per active series) handed to the `MetricWriter`, which retries with
 * backoff and bounds what it holds. The clock decides when a flush or a retry is due.
 */
export class MetricFlusher {
  private readonly writer: MetricWriter | undefined;
  private rawRows: MetricRow[] = [];
  /** Series of `rawRows`, to register with them. */
  private rawSeries = new Set<StoredSeries>();
  private droppedRawObservations = 0;
  /** Start of the running interval: the previous flush (or the creation). */
  private intervalStart: Date;
  private nextFlushAt: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private closing: Promise<FlushReport> | undefined;

  constructor(private readonly options: MetricFlusherOptions) {
    const { clock, flushIntervalMs } = options;
    this.nextFlushAt = clock.now() + flushIntervalMs;
    this.intervalStart = new Date(clock.now());
    if (options.db) {
      this.writer = new MetricWriter({
        db: options.db,
        clock,
        logger: options.logger,
        maxPendingRows: options.maxPendingRows,
        retry: options.retry,
      });
    }
    if (flushIntervalMs > 0) {
      // The timer only asks "is a flush or a retry due?"; the clock decides, so tests drive it with tick().
      this.timer = setInterval(() => void this.tick(), flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Flushes when the interval has elapsed on the clock; writes pending rows once a retry is due. */
  async tick(): Promise<FlushReport | undefined> {
    const now = this.options.clock.now();
    if (now >= this.nextFlushAt) {
      this.nextFlushAt = nextFlushTime(this.nextFlushAt, now, this.options.flushIntervalMs);
      return this.run(false);
    }
    if (this.writer?.due()) return { rows: 0, ...(await this.writer.write()) };
    return undefined;
  }

  /** Ends the running interval now and writes its rows and any pending ones. Never throws. */
  flush(): Promise<FlushReport> {
    this.nextFlushAt = this.options.clock.now() + this.options.flushIntervalMs;
    return this.run(true);
  }

  /** Stops the timer and flushes once; rows still unwritten are then counted as dropped. Same promise on every call. */
  shutdown(): Promise<FlushReport> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      const report = await this.flush();
      const lost = this.writer?.abandonPending() ?? 0;
      if (lost > 0)
        this.options.logger.warn('metrics rows not written at shutdown were dropped', { rows: lost });
      return report;
    })();
    return this.closing;
  }

  stats(): WriterStats & { droppedRawObservations: number } {
    return { ...(this.writer?.getStats() ?? NO_WRITER), droppedRawObservations: this.droppedRawObservations };
  }

  /** Keeps one raw-mode observation as its own row (dropped and counted when the buffer is full). */
  keepRaw(instrument: Instrument, series: Series, value: number): void {
    if (!this.writer) return; // in memory only: the series keep the values for exposition
    if (this.rawRows.length >= (this.options.maxPendingRows ?? 100_000)) {
      this.droppedRawObservations++;
      this.options.recorder.reportOnce(
        `raw:${instrument.name}`,
        `raw observations of ${shortName(instrument.name)} dropped: buffer full`,
      );
      return;
    }
    const span = this.options.exemplars ? sampledSpanIds() : undefined;
    const stored = this.stored(instrument, series);
    this.rawSeries.add(stored);
    const at = new Date(this.options.clock.now());
    this.rawRows.push(rawRow(stored, storedType(instrument.kind), value, at, span));
  }

  private async run(ignoreBackoff: boolean): Promise<FlushReport> {
    const { rows, series } = this.collect();
    if (!this.writer) return { rows: rows.length, written: 0, pending: 0 };
    this.writer.enqueue(rows, series);
    if (!ignoreBackoff && !this.writer.due())
      return { rows: rows.length, written: 0, pending: this.writer.getStats().pendingRows };
    await this.describe();
    return { rows: rows.length, ...(await this.writer.write()) };
  }

  /** The series as stored, computed once. */
  private stored(instrument: Instrument, series: Series): StoredSeries {
    series.stored ??= storedSeries({ ...this.options.origin, name: instrument.name, labels: series.labels });
    return series.stored;
  }

  /** Ends the interval: one row per active aggregated series, plus the raw observations. */
  private collect(): { rows: MetricRow[]; series: Set<StoredSeries> } {
    const start = this.intervalStart;
    // An interval ends after it starts, so two flushes in one millisecond never share a row key.
    const at = new Date(Math.max(this.options.clock.now(), start.getTime() + 1));
    this.intervalStart = at;
    const rows = this.rawRows;
    const stored = this.rawSeries;
    this.rawRows = [];
    this.rawSeries = new Set();
    for (const instrument of this.options.recorder.all()) {
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
    if (!this.options.db) return;
    const batch = this.options.recorder.takeUndescribed();
    if (batch.length === 0) return;
    try {
      await describeMetrics(
        this.options.db,
        batch.map((i) => ({
          name: i.name,
          kind: i.kind,
          unit: i.options.unit ?? '',
          description: i.options.description ?? '',
          raw: i.raw,
        })),
      );
    } catch {
      this.options.recorder.returnUndescribed(batch);
    }
  }
}
