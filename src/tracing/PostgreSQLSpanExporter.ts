import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { DatabaseSession } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { type RetryOptions, retryDelay } from '../retryDelay.js';
import type { SpanRow } from './SpanRow.js';
import { spanToRow } from './spanToRow.js';
import { writeSpanRows } from './writeSpanRows.js';

// ExportResultCode.SUCCESS / FAILED, without loading @opentelemetry/core at run time.
const SUCCESS = 0 as ExportResult['code'];
const FAILED = 1 as ExportResult['code'];
const UNCUT_ATTRIBUTE_VALUES = { attributeValue: Number.POSITIVE_INFINITY };
/** Backoff of span writes after a transient error, unless `retry` says otherwise. */
export const SPAN_RETRY_DEFAULTS = { baseMs: 100, maxMs: 30_000 };

/** Options of `PostgreSQLSpanExporter`. */
export interface PostgreSQLSpanExporterOptions {
  /** Where spans are stored (the `spans` table of its schema). */
  db: DatabaseSession;
  /** Service name for spans whose resource has none (default `unknown_service`). */
  serviceName?: string;
  /** Backoff between retries of a batch after a transient error (default `{ baseMs: 100, maxMs: 30_000 }`). */
  retry?: RetryOptions;
  /**
   * Time budget of one `export` call: transient failures are retried until it is spent, then the
   * export fails (default 10,000 ms, below the 30 s `exportTimeoutMillis` of the SDK's batch processor).
   * `PostgreSQLSpanProcessor` does not use it: it keeps the spans queued and retries until the
   * database is back or shutdown.
   */
  exportTimeoutMs?: number;
  /** Longest attribute string stored (default 65,536 characters). */
  maxStringLength?: number;
  /** Where refused rows and retries are reported (default: warnings on stderr). */
  logger?: Logger;
}

/** Outcome of `PostgreSQLSpanExporter.store`. */
export interface SpanStoreResult {
  /** Spans still unwritten because the database stayed unreachable (empty once all are settled). */
  unwritten: ReadableSpan[];
  /** The transient error, when spans are unwritten. */
  transientError?: Error;
  /** The first refusal, when spans were refused (the others are stored). */
  refused?: Error;
}

/** Counters of the exporter since it was created. */
export interface SpanExportStats {
  /** Spans stored (or found already stored: an earlier attempt got through). */
  exported: number;
  /** Spans refused by the database or the mapping (poison rows). */
  rejected: number;
  /**
   * Spans of `export` calls that failed: the database stayed unreachable for the whole time budget
   * (never counted behind `PostgreSQLSpanProcessor`, which keeps them queued).
   */
  failed: number;
  /** Batch writes retried after a transient error. */
  retries: number;
  /** Message of the last write error, if any. */
  lastError: string | undefined;
}

/**
 * An OpenTelemetry `SpanExporter` that stores spans in PostgreSQL and reports the outcome only once
 * it is known: `export` writes the batch at once (COPY, one transaction) and calls back SUCCESS after
 * the commit, or FAILED with the error: a span refused by the database (the others are stored), or
 * the database still unreachable when the time budget `exportTimeoutMs` is spent (transient errors
 * are retried with backoff until then). It holds no queue of its own: batching and the memory bound
 * belong to the span processor in front of it (`PostgreSQLSpanProcessor`, or the SDK's
 * `BatchSpanProcessor`). `forceFlush` and `shutdown` wait for the exports under way.
 */
export class PostgreSQLSpanExporter implements SpanExporter {
  private readonly db: DatabaseSession;
  private readonly options: PostgreSQLSpanExporterOptions;
  private readonly logger: Logger;
  private readonly running = new Set<Promise<ExportResult>>();
  /** Wakes the backoff waits, so a shutdown ends retries at once. */
  private readonly waits = new Set<() => void>();
  private stopped = false;
  private readonly counters = { exported: 0, rejected: 0, failed: 0, retries: 0 };
  private lastError: string | undefined;

  constructor(options: PostgreSQLSpanExporterOptions) {
    this.db = options.db;
    this.options = options;
    this.logger = options.logger ?? createLogger('warn');
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      this.counters.failed += spans.length;
      resultCallback({ code: FAILED, error: new Error('PostgreSQLSpanExporter is shut down') });
      return;
    }
    const work = this.write(spans);
    this.running.add(work);
    void work.then((result) => {
      this.running.delete(work);
      resultCallback(result);
    });
  }

  /** Waits until every export under way has its result. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.running);
  }

  /** Refuses further exports, ends the retries of those under way (they fail) and waits for them. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waits) wake();
    await this.forceFlush();
  }

  stats(): SpanExportStats {
    return { ...this.counters, lastError: this.lastError };
  }

  /**
   * Stores `spans`, retrying transient failures with backoff within `budgetMs` (0: one attempt) and
   * reporting what is still unwritten, without counting it as failed: `PostgreSQLSpanProcessor`
   * keeps those spans queued and tries again. Never rejects.
   */
  async store(spans: ReadableSpan[], budgetMs: number): Promise<SpanStoreResult> {
    const deadline = Date.now() + budgetMs;
    const spanOf = new Map<SpanRow, ReadableSpan>();
    let rows = this.mapRows(spans, spanOf);
    let refused: unknown = rows.length < spans.length ? new Error(this.lastError) : undefined;
    for (let attempt = 0; rows.length > 0; attempt++) {
      // Attribute strings are already cut at maxStringLength characters (spanToRow).
      const result = await writeSpanRows(this.db, rows, { limits: UNCUT_ATTRIBUTE_VALUES });
      this.counters.exported += result.written + result.duplicates;
      if (result.rejected.length > 0) {
        this.counters.rejected += result.rejected.length;
        refused = result.rejected[0]!.error;
        this.lastError = messageOf(refused);
        this.logger.warn('spans refused by the database', {
          count: result.rejected.length,
          error: this.lastError,
        });
      }
      rows = result.retryable;
      if (rows.length === 0) break;
      this.lastError = messageOf(result.transientError);
      const delay = retryDelay(attempt + 1, this.options.retry, SPAN_RETRY_DEFAULTS);
      if (this.stopped || Date.now() + delay > deadline) {
        return {
          unwritten: rows.map((row) => spanOf.get(row)!),
          transientError: asError(result.transientError),
          ...(refused === undefined ? {} : { refused: asError(refused) }),
        };
      }
      this.counters.retries++;
      if (attempt === 0) this.logger.warn('span write failed, retrying', { error: this.lastError });
      await this.pause(delay);
    }
    return { unwritten: [], ...(refused === undefined ? {} : { refused: asError(refused) }) };
  }

  /** Counts retries made on this exporter's behalf by the span processor. */
  countRetry(): void {
    this.counters.retries++;
  }

  /** `store` within `exportTimeoutMs`, what is left counted as failed: the SDK's contract. */
  private async write(spans: ReadableSpan[]): Promise<ExportResult> {
    const result = await this.store(spans, this.options.exportTimeoutMs ?? 10_000);
    if (result.transientError) {
      this.counters.failed += result.unwritten.length;
      this.logger.warn('span export failed: database unreachable', {
        spans: result.unwritten.length,
        error: this.lastError,
      });
      return { code: FAILED, error: result.transientError };
    }
    return result.refused === undefined ? { code: SUCCESS } : { code: FAILED, error: result.refused };
  }

  private mapRows(spans: ReadableSpan[], spanOf: Map<SpanRow, ReadableSpan>): SpanRow[] {
    const rows: SpanRow[] = [];
    for (const span of spans) {
      try {
        const row = spanToRow(span, this.options);
        spanOf.set(row, span);
        rows.push(row);
      } catch (error) {
        this.counters.rejected++;
        this.lastError = (error as Error).message;
      }
    }
    return rows;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.waits.add(wake);
    });
  }
}

function messageOf(error: unknown): string {
  return String((error as Error)?.message ?? error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error));
}
