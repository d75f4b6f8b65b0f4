import type { ExportResult } from '@opentelemetry/core';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { describeMetrics } from './describeMetrics.js';
import { MetricWriter, type WriterStats } from './MetricWriter.js';
import { otelMetricsToOtlp } from './otelMetricsToOtlp.js';
import { otlpMetricRows } from './otlpMetricRows.js';
import { SeriesCache } from './SeriesCache.js';

/** Options of `PgtelMetricExporter`. */
export interface PgtelMetricExporterOptions {
  db: Database;
  /** Source of time. Default: the system clock. */
  clock?: Clock | undefined;
  /** Receives write failures and refused data points. Default: a logger at level info on stderr. */
  logger?: Logger | undefined;
  /** Rows held while the database is unreachable (oldest dropped beyond). Default 100,000. */
  maxPendingRows?: number | undefined;
}

// ExportResultCode and AggregationTemporality values, without a runtime import of the optional SDK.
const SUCCESS = 0;
const FAILED = 1;
const DELTA = 0 as AggregationTemporality;

/**
 * An OpenTelemetry `PushMetricExporter` that stores metrics in pgtel's tables, so applications using
 * the OpenTelemetry metrics API land next to `MetricsCollector` data. Asks for delta temporality;
 * histograms (explicit-bucket or exponential) become log-bucket sketches. A failed write keeps the
 * rows for the next export (bounded); the export reports FAILED meanwhile.
 */
export class PgtelMetricExporter implements PushMetricExporter {
  private readonly writer: MetricWriter;
  private readonly logger: Logger;
  private readonly described = new Set<string>();
  private readonly seriesCache = new SeriesCache();
  private skippedPoints = 0;
  private closed = false;

  constructor(private readonly options: PgtelMetricExporterOptions) {
    this.logger = options.logger ?? createLogger('info');
    this.writer = new MetricWriter({
      db: options.db,
      clock: options.clock ?? systemClock,
      logger: this.logger,
      maxPendingRows: options.maxPendingRows,
    });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: FAILED, error: new Error('PgtelMetricExporter is shut down') });
      return;
    }
    this.exportAsync(metrics).then(resultCallback, (error: unknown) =>
      resultCallback({ code: FAILED, error: error as Error }),
    );
  }

  private async exportAsync(metrics: ResourceMetrics): Promise<ExportResult> {
    const { rows, series, descriptions, skipped, cumulative } = otlpMetricRows(
      otelMetricsToOtlp(metrics),
      this.seriesCache,
    );
    if (cumulative.length > 0) {
      const names = new Set(cumulative.map((p) => p.series.name));
      for (const name of names) {
        const points = cumulative.filter((p) => p.series.name === name).length;
        skipped.push({ name, reason: 'cumulative points reached an exporter that asks for delta', points });
      }
    }
    for (const s of skipped) {
      this.skippedPoints += s.points;
      this.logger.warn('OpenTelemetry data points not stored', {
        metric: s.name,
        reason: s.reason,
        points: s.points,
      });
    }
    this.writer.enqueue(rows, series.values());
    const fresh = descriptions.filter((d) => !this.described.has(d.name));
    if (fresh.length > 0) {
      await describeMetrics(this.options.db, fresh).then(
        () => {
          for (const d of fresh) this.described.add(d.name);
        },
        () => undefined, // retried with the next export
      );
    }
    const report = await this.writer.write();
    return report.error ? { code: FAILED, error: report.error } : { code: SUCCESS };
  }

  /** Delta for every instrument: counters and histograms store per-interval values. */
  selectAggregationTemporality(_instrumentType: InstrumentType): AggregationTemporality {
    return DELTA;
  }

  /** Writes what is pending. */
  async forceFlush(): Promise<void> {
    await this.writer.write();
  }

  /** Writes what is pending, then refuses further exports. Rows still unwritten are counted as dropped. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.writer.write();
    this.writer.abandonPending();
  }

  /** Write-path counters plus data points that could not be converted. */
  stats(): WriterStats & { skippedPoints: number } {
    return { ...this.writer.getStats(), skippedPoints: this.skippedPoints };
  }
}
