import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import type { Logger } from '../logger.js';
import { ExposedExemplars } from '../metrics/ExposedExemplars.js';
import type { Counter, Gauge, Histogram } from '../metrics/instruments.js';
import { MetricsCollector } from '../metrics/MetricsCollector.js';
import { type ExpositionFormat, renderPrometheus } from '../metrics/renderPrometheus.js';

/** What `/metrics` shows of the ingest spool (see `SpoolingSinks.stats`). */
export interface SpoolGauges {
  records: number;
  bytes: number;
  diskBytes: number;
  oldestAppendedAt: number | undefined;
  deadLetters: number;
}

/** `le` bounds in seconds: Prometheus client libraries' defaults, 5 ms to 10 s. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type Signal = 'traces' | 'metrics' | 'logs';

/**
 * Items refused in one request, by reason (the `reason` label of `pgtel_ingest_rejected_total`):
 * `invalid` when decoding (malformed, over a limit), `refused` when storing (outside the retention
 * window, refused by the database, a conflicting metric type).
 */
export interface Rejections {
  invalid: number;
  refused: number;
}

/**
 * pgtel's own metrics in `pgtel serve`: what was ingested and refused, how long ingest, jobs and
 * flushes took, queue depths and alert states. Recorded in a MetricsCollector, so they are stored in
 * PostgreSQL like any application's and exposed on `/metrics`.
 */
export class ServiceMetrics {
  readonly collector: MetricsCollector;
  private readonly ingested: Counter;
  private readonly rejected: Counter;
  private readonly ingestDuration: Histogram;
  private readonly jobRuns: Counter;
  private readonly jobFailures: Counter;
  private readonly jobDuration: Histogram;
  private readonly pendingRows: Gauge;
  private readonly droppedRows: Counter;
  /** Dropped rows already counted in `droppedRows` (the collector reports a running total). */
  private droppedRowsCounted = 0;
  /** Keeps each exemplar of `/metrics` from going back in time between scrapes. */
  private readonly exposedExemplars = new ExposedExemplars();
  private readonly alertInstances: Gauge;
  private readonly spooled: Counter;
  private readonly spoolRecords: Gauge;
  private readonly spoolBytes: Gauge;
  private readonly spoolOldestAge: Gauge;
  private readonly spoolDeadLetters: Gauge;
  private spoolDepth: (() => SpoolGauges) | undefined;
  private readonly clock: Clock;

  constructor(options: { db: Database; clock: Clock; logger: Logger; flushIntervalMs: number }) {
    this.collector = new MetricsCollector(options);
    this.clock = options.clock;
    const c = this.collector;
    this.ingested = c.createCounter('pgtel.ingested', {
      description: 'Spans and metric points stored from OTLP requests',
    });
    this.rejected = c.createCounter('pgtel.ingest_rejected', {
      description: 'Spans and metric points refused, by reason',
    });
    this.ingestDuration = c.createHistogram('pgtel.ingest_duration_seconds', {
      unit: 's',
      buckets: SECONDS_BUCKETS,
      description: 'OTLP request handling time',
    });
    this.jobRuns = c.createCounter('pgtel.job_runs', { description: 'Background job runs' });
    this.jobFailures = c.createCounter('pgtel.job_failures', {
      description: 'Background job runs that failed',
    });
    this.jobDuration = c.createHistogram('pgtel.job_duration_seconds', {
      unit: 's',
      buckets: SECONDS_BUCKETS,
      description: 'Background job run time',
    });
    this.pendingRows = c.createGauge('pgtel.metrics_pending_rows', {
      description: 'Metric rows waiting to be written',
    });
    this.droppedRows = c.createCounter('pgtel.metrics_dropped_rows', {
      description: 'Metric rows dropped since start (bounds)',
    });
    this.alertInstances = c.createGauge('pgtel.alert_instances', { description: 'Alert instances by state' });
    this.spooled = c.createCounter('pgtel.spooled', {
      description: 'OTLP requests kept in the spool while the database was away, by signal',
    });
    this.spoolRecords = c.createGauge('pgtel.spool_records', {
      description: 'OTLP requests in the spool, waiting to be stored',
    });
    this.spoolBytes = c.createGauge('pgtel.spool_bytes', {
      unit: 'bytes',
      description: 'Size of the requests waiting in the spool',
    });
    this.spoolOldestAge = c.createGauge('pgtel.spool_oldest_age_seconds', {
      unit: 'seconds',
      description: 'Age of the oldest request waiting in the spool (0 when empty)',
    });
    this.spoolDeadLetters = c.createGauge('pgtel.spool_dead_letters', {
      description: 'Spooled requests the database refused for good, kept in the dead-letter file',
    });
  }

  /** Pass as the spool's `onSpooled`. */
  readonly recordSpooled = (signal: string): void => {
    this.spooled.add(1, { signal });
  };

  /** Shows the spool's depth on `/metrics` from now on, read at each scrape. */
  observeSpool(depth: () => SpoolGauges): void {
    this.spoolDepth = depth;
  }

  recordIngest(signal: Signal, accepted: number, rejected: Rejections, durationMs: number): void {
    this.ingested.add(accepted, { signal });
    for (const reason of ['invalid', 'refused'] as const)
      if (rejected[reason] > 0) this.rejected.add(rejected[reason], { signal, reason });
    this.ingestDuration.record(durationMs / 1000, { signal });
  }

  /** Pass as the JobRunner's `onFinished` (its job stats' shape, so http/ needs no import of serve/). */
  readonly recordJob = (
    stats: { name: string; lastDurationMs: number | undefined },
    error: unknown,
  ): void => {
    // Not `job`: Prometheus sets that label to the scrape job and would rename ours `exported_job`.
    const labels = { pgtel_job: stats.name };
    this.jobRuns.add(1, labels);
    if (error !== undefined) this.jobFailures.add(1, labels);
    if (stats.lastDurationMs !== undefined) this.jobDuration.record(stats.lastDurationMs / 1000, labels);
  };

  /** Refreshes the alert-state gauges (a background job; never on the scrape path). */
  async refreshAlertStates(db: Database): Promise<void> {
    const result = await db.query<{ state: string; n: number }>(
      `SELECT s.state, count(i.state)::int AS n
         FROM unnest(ARRAY['inactive', 'pending', 'firing', 'resolved', 'nodata', 'error']) AS s(state)
         LEFT JOIN ${db.table('alert_instances')} i ON i.state = s.state GROUP BY s.state`,
    );
    for (const { state, n } of result.rows) this.alertInstances.set(n, { state });
  }

  /** The exposition of every metric of this process: Prometheus text 0.0.4 (default) or OpenMetrics 1.0. */
  render(format: ExpositionFormat = 'prometheus'): string {
    const stats = this.collector.stats();
    this.pendingRows.set(stats.pendingRows);
    this.droppedRows.add(stats.droppedRows - this.droppedRowsCounted);
    this.droppedRowsCounted = stats.droppedRows;
    const spool = this.spoolDepth?.();
    if (spool) {
      this.spoolRecords.set(spool.records);
      this.spoolBytes.set(spool.bytes);
      this.spoolDeadLetters.set(spool.deadLetters);
      const oldest = spool.oldestAppendedAt;
      this.spoolOldestAge.set(oldest === undefined ? 0 : Math.max(0, (this.clock.now() - oldest) / 1000));
    }
    return renderPrometheus(this.collector.snapshot(), format, this.exposedExemplars);
  }
}
