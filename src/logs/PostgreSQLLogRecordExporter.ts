import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DatabaseSession } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { type RetryOptions, retryDelay } from '../retryDelay.js';
import type { LogRow } from './LogRow.js';
import { otlpLogRow } from './otlpLogRows.js';
import { sdkLogRecordToOtlp } from './sdkLogRecordToOtlp.js';
import { writeLogRows } from './writeLogRows.js';

// ExportResultCode.SUCCESS / FAILED, without loading @opentelemetry/core at run time.
const SUCCESS = 0 as ExportResult['code'];
const FAILED = 1 as ExportResult['code'];

/** Options of `PostgreSQLLogRecordExporter`. */
export interface PostgreSQLLogRecordExporterOptions {
  /** Where log records are stored (the `logs` table of its schema). */
  db: DatabaseSession;
  /** Service name for records whose resource has none (default `unknown_service`). */
  serviceName?: string;
  /** Backoff between tries of a batch after a transient error (default `{ baseMs: 100, maxMs: 30_000 }`). */
  retry?: RetryOptions;
  /** Longest time one batch is retried before it is reported failed (default 20,000 ms). */
  retryForMs?: number;
  /** Where refused rows and retries are reported (default: warnings on stderr). */
  logger?: Logger;
}

/** Counters of the exporter since it was created. */
export interface LogExporterStats {
  /** Records stored (a record already stored by an earlier try counts once). */
  exported: number;
  /** Records refused by the database (poison rows) or lost when a batch failed for good. */
  failed: number;
  /** Batch writes retried after a transient error. */
  retries: number;
  /** Message of the last write error, if any. */
  lastError: string | undefined;
}

/**
 * An OpenTelemetry `LogRecordExporter` that stores log records in PostgreSQL, behind the SDK's
 * `BatchLogRecordProcessor` (which batches and bounds memory). Each batch is one transaction
 * (`writeLogRows`: stored once, poison rows isolated); success is reported only once it committed.
 * A transient failure is retried with backoff for up to `retryForMs`, then reported failed.
 */
export class PostgreSQLLogRecordExporter implements LogRecordExporter {
  private readonly logger: Logger;
  private readonly serviceName: string;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly counters = { exported: 0, failed: 0, retries: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: PostgreSQLLogRecordExporterOptions) {
    this.logger = options.logger ?? createLogger('warn');
    this.serviceName = options.serviceName ?? 'unknown_service';
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: FAILED, error: new Error('PostgreSQLLogRecordExporter is shut down') });
      return;
    }
    const work = this.store(records).then(resultCallback, (error: unknown) =>
      resultCallback({ code: FAILED, error: error as Error }),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Waits for the batches being written. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Refuses new batches and waits for those being written. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
  }

  stats(): LogExporterStats {
    return { ...this.counters, lastError: this.lastError };
  }

  private async store(records: ReadableLogRecord[]): Promise<ExportResult> {
    const rows: LogRow[] = records.map((record) => otlpLogRow(sdkLogRecordToOtlp(record, this.serviceName)));
    const deadline = Date.now() + (this.options.retryForMs ?? 20_000);
    for (let attempt = 0; ; attempt++) {
      const result = await writeLogRows(this.options.db, rows);
      if (result.retryable.length === 0) {
        this.counters.exported += result.written + result.duplicates;
        this.counters.failed += result.rejected.length;
        if (result.rejected.length > 0) {
          this.lastError = String((result.rejected[0]!.error as Error)?.message ?? result.rejected[0]!.error);
          this.logger.warn('log records refused by the database', {
            count: result.rejected.length,
            error: this.lastError,
          });
        }
        return { code: SUCCESS };
      }
      this.lastError = String((result.transientError as Error)?.message ?? result.transientError);
      const wait = retryDelay(attempt + 1, this.options.retry, { baseMs: 100, maxMs: 30_000 });
      if (this.stopped || Date.now() + wait > deadline) {
        this.counters.failed += rows.length;
        this.logger.warn('log records not stored: the database stayed unavailable', {
          count: rows.length,
          error: this.lastError,
        });
        return { code: FAILED, error: result.transientError as Error };
      }
      if (attempt === 0) this.logger.warn('log write failed, retrying', { error: this.lastError });
      this.counters.retries++;
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }
}
