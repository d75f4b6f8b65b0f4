import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { DatabaseSession } from '../db/Database.js';
import { TimeoutError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { type RetryOptions, retryDelay } from '../retryDelay.js';
import type { SpanRow } from './SpanRow.js';
import { spanToRow } from './spanToRow.js';
import { writeSpanRows } from './writeSpanRows.js';

// ExportResultCode.SUCCESS / FAILED, without loading @opentelemetry/core at run time.
const SUCCESS = 0 as ExportResult['code'];
const FAILED = 1 as ExportResult['code'];
const UNCUT_ATTRIBUTE_VALUES = { attributeValue: Number.POSITIVE_INFINITY };

/** Options of `PostgreSQLSpanExporter`. */
export interface PostgreSQLSpanExporterOptions {
  /** Where spans are stored (the `spans` table of its schema). */
  db: DatabaseSession;
  /** Service name for spans whose resource has none (default `unknown_service`). */
  serviceName?: string;
  /** Spans waiting to be written; beyond it new spans are dropped and counted (default 10,000). */
  maxQueueSize?: number;
  /** Spans per COPY (default 1,000). */
  maxBatchSize?: number;
  /** Longest wait before queued spans are written (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Backoff between retries of a batch after a transient error (default `{ baseMs: 100, maxMs: 30_000 }`). */
  retry?: RetryOptions;
  /** How long `forceFlush` and `shutdown` wait for the queue to drain (default 10,000 ms). */
  flushTimeoutMs?: number;
  /** Longest attribute string stored (default 65,536 characters). */
  maxStringLength?: number;
  /** Where refused rows and retries are reported (default: warnings on stderr). */
  logger?: Logger;
}

/** Counters of the exporter since it was created. */
export interface SpanExporterStats {
  /** Spans waiting in memory. */
  queued: number;
  /** Spans stored. */
  exported: number;
  /** Spans dropped: queue full, or still queued when shutdown gave up. */
  dropped: number;
  /** Spans refused by the database or the mapping (poison rows). */
  rejected: number;
  /** Batch writes retried after a transient error. */
  retries: number;
  /** Message of the last write error, if any. */
  lastError: string | undefined;
}

/**
 * An OpenTelemetry `SpanExporter` that stores spans in PostgreSQL. `export` only queues (bounded,
 * drop-and-count when full, never blocks); a background writer COPYs batches, retries transient
 * failures with backoff, isolates refused rows, and drains the queue on `forceFlush` and `shutdown`.
 * Works behind any span processor of the OpenTelemetry SDK 2.x.
 */
export class PostgreSQLSpanExporter implements SpanExporter {
  private readonly db: DatabaseSession;
  private readonly options: PostgreSQLSpanExporterOptions;
  private readonly logger: Logger;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private queue: ReadableSpan[] = [];
  /** The batch being written (and retried), already mapped. */
  private pending: SpanRow[] = [];
  private draining: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private retryWait: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private stopped = false;
  private givingUp = false;
  private dropping = false;
  private readonly counters = { exported: 0, dropped: 0, rejected: 0, retries: 0 };
  private lastError: string | undefined;

  constructor(options: PostgreSQLSpanExporterOptions) {
    this.db = options.db;
    this.options = options;
    this.logger = options.logger ?? createLogger('warn');
    this.maxQueueSize = Math.max(1, options.maxQueueSize ?? 10_000);
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 1_000);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      this.counters.dropped += spans.length;
      resultCallback({ code: FAILED, error: new Error('PostgreSQLSpanExporter is shut down') });
      return;
    }
    // The batch being written (or retried) is still held in memory: it counts against the bound.
    const room = Math.max(0, this.maxQueueSize - this.queue.length - this.pending.length);
    const accepted = spans.length <= room ? spans : spans.slice(0, room);
    for (const span of accepted) this.queue.push(span);
    const dropped = spans.length - accepted.length;
    this.counters.dropped += dropped;
    // One warning when dropping starts, not one per call while the queue stays full.
    if (dropped > 0 && !this.dropping) {
      this.logger.warn('span queue full, dropping spans', { maxQueueSize: this.maxQueueSize });
    }
    this.dropping = dropped > 0;
    this.schedule(this.queue.length >= this.maxBatchSize ? 0 : (this.options.flushIntervalMs ?? 1_000));
    resultCallback(
      dropped === 0
        ? { code: SUCCESS }
        : { code: FAILED, error: new Error(`span queue full: ${dropped} spans dropped`) },
    );
  }

  /** Writes everything queued; rejects with TimeoutError if that takes longer than `flushTimeoutMs`. */
  async forceFlush(): Promise<void> {
    await this.withTimeout(this.drain());
  }

  /** Stops accepting spans, writes what is queued (up to `flushTimeoutMs`), counts the rest as dropped. */
  async shutdown(): Promise<void> {
    if (this.stopped) return this.draining;
    this.stopped = true;
    clearTimeout(this.flushTimer);
    try {
      await this.withTimeout(this.drain());
    } catch (error) {
      this.givingUp = true;
      this.retryWait?.wake();
      await this.draining;
      const left = this.queue.length + this.pending.length;
      this.counters.dropped += left;
      this.queue = [];
      this.pending = [];
      this.logger.warn('span exporter shut down with unwritten spans', { dropped: left, error });
    }
  }

  stats(): SpanExporterStats {
    return { ...this.counters, queued: this.queue.length + this.pending.length, lastError: this.lastError };
  }

  private schedule(delayMs: number): void {
    if (this.draining) return;
    if (this.flushTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.drain();
    }, delayMs);
    this.flushTimer.unref();
  }

  private drain(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.draining ??= this.writeAll().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0 && !this.stopped) this.schedule(this.options.flushIntervalMs ?? 1_000);
    });
    return this.draining;
  }

  private async writeAll(): Promise<void> {
    let attempt = 0;
    while (!this.givingUp && (this.pending.length > 0 || this.queue.length > 0)) {
      if (this.pending.length === 0) this.pending = this.mapBatch(this.queue.splice(0, this.maxBatchSize));
      // Attribute strings are already cut at maxStringLength characters (spanToRow).
      const result = await writeSpanRows(this.db, this.pending, { limits: UNCUT_ATTRIBUTE_VALUES });
      this.counters.exported += result.written + result.duplicates;
      this.counters.rejected += result.rejected.length;
      if (result.rejected.length > 0) {
        this.lastError = String((result.rejected[0]!.error as Error)?.message ?? result.rejected[0]!.error);
        this.logger.warn('spans refused by the database', {
          count: result.rejected.length,
          error: this.lastError,
        });
      }
      this.pending = result.retryable;
      if (this.pending.length === 0) {
        attempt = 0;
        continue;
      }
      this.counters.retries++;
      this.lastError = String((result.transientError as Error)?.message ?? result.transientError);
      if (attempt === 0) this.logger.warn('span write failed, retrying', { error: this.lastError });
      await this.pause(retryDelay(++attempt, this.options.retry, { baseMs: 100, maxMs: 30_000 }));
    }
  }

  private mapBatch(spans: ReadableSpan[]): SpanRow[] {
    const rows: SpanRow[] = [];
    for (const span of spans) {
      try {
        rows.push(spanToRow(span, this.options));
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
        this.retryWait = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.retryWait = { timer, wake };
    });
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    const ms = this.options.flushTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`spans not written within ${ms} ms (${this.stats().queued} queued)`)),
        ms,
      );
      timer.unref();
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
