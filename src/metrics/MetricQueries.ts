import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { ConfigError } from '../errors.js';
import { type InstrumentKind, RefusedInstrument } from './Instrument.js';
import type { MetricRecorder } from './MetricRecorder.js';
import {
  getPercentile,
  type MetricQueryOptions,
  type MetricRecord,
  type PercentileOptions,
  queryMetrics,
} from './queryMetrics.js';
import type { SeriesSnapshot } from './Series.js';

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

/**
 * The querying part of `MetricsCollector`: stored rows and percentiles from the database (through
 * the metrics domain's one query module), and the in-memory values for exposition.
 */
export class MetricQueries {
  constructor(
    private readonly recorder: MetricRecorder,
    private readonly db: Database | undefined,
    private readonly clock: Clock,
  ) {}

  /** Stored rows of a metric, newest first. */
  query(name: string, options: MetricQueryOptions = {}): Promise<MetricRecord[]> {
    return queryMetrics(this.requireDb('query'), name, options);
  }

  /** The p-quantile of a metric from the database (see `getPercentile`). */
  getPercentile(name: string, p: number, options: PercentileOptions = {}): Promise<number | null> {
    return getPercentile(this.requireDb('getPercentile'), name, p, { clock: this.clock, ...options });
  }

  /** Current values of every metric (cumulative since start), for `/metrics`. */
  snapshot(): MetricSnapshot[] {
    const result: MetricSnapshot[] = [];
    for (const instrument of this.recorder.all()) {
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

  private requireDb(what: string): Database {
    if (!this.db) throw new ConfigError(`MetricsCollector.${what}() needs a database: pass { db }`);
    return this.db;
  }
}
