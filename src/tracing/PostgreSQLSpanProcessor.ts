import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TimeoutError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { retryDelay } from '../retryDelay.js';
import {
  PostgreSQLSpanExporter,
  type PostgreSQLSpanExporterOptions,
  SPAN_RETRY_DEFAULTS,
  type SpanExportStats,
} from './PostgreSQLSpanExporter.js';

const SAMPLED = 1;

/** Options of `PostgreSQLSpanProcessor`: the exporter's, and its queue and timer. */
export interface PostgreSQLSpanProcessorOptions extends PostgreSQLSpanExporterOptions {
  /**
   * Finished spans held in memory, the batch being written or retried included; beyond, the NEWEST
   * spans are dropped and counted (the queue keeps the oldest, in order), never blocking the
   * application (default 10,000).
   */
  maxQueueSize?: number;
  /** Spans per COPY; a full batch is written at once (default 1,000). */
  maxBatchSize?: number;
  /** Longest wait before queued spans are written (default 500 ms). */
  flushIntervalMs?: number;
  /**
   * How long `forceFlush` and `shutdown` wait for the queue to be written (default 10,000 ms). The
   * processor's own retries during an outage are not bounded by it, nor by `exportTimeoutMs`.
   */
  flushTimeoutMs?: number;
}

/** Counters of the span pipeline since it was created. */
export interface SpanExporterStats extends SpanExportStats {
  /** Spans waiting in memory, the batch being written or retried included. */
  queued: number;
  /** Spans dropped: queue full, ended after shutdown, or still queued when shutdown gave up. */
  dropped: number;
}

/**
 * pgtel's span pipeline, one OpenTelemetry `SpanProcessor`: ONE bounded queue of finished sampled
 * spans (drop and count the newest when full, never block) and ONE timer that hands batches, one at a
 * time, to a `PostgreSQLSpanExporter`, whose result comes after the commit. While the database is
 * unreachable, the batch goes back to the head of the queue (still counted against `maxQueueSize`)
 * and is retried with backoff (`retry`) until the database is back or shutdown: an outage loses no
 * span as long as the queue holds them. Spans the database refuses are counted `rejected` and not
 * retried. `forceFlush` resolves once every span queued before it is committed; it rejects with the
 * error of a refused batch, or, past `flushTimeoutMs`, with the outage's error (a TimeoutError if
 * none) while the spans stay queued. `shutdown` writes what is queued within `flushTimeoutMs`, then
 * counts what is left as dropped. Put it in the provider's constructor:
 * `new NodeTracerProvider({ spanProcessors: [new PostgreSQLSpanProcessor({ db })] })`.
 */
export class PostgreSQLSpanProcessor implements SpanProcessor {
  readonly exporter: PostgreSQLSpanExporter;
  private readonly options: PostgreSQLSpanProcessorOptions;
  private readonly logger: Logger;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private queue: ReadableSpan[] = [];
  private inFlight = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** First error of a batch written since `forceFlush` began, which reports it. */
  private failure: Error | undefined;
  private stopped: Promise<void> | undefined;
  private givingUp = false;
  /** Consecutive batch writes that failed on an unreachable database. */
  private outageFailures = 0;
  /** The error of the outage under way, which a timed-out flush reports. */
  private outageError: Error | undefined;
  /** Ends the backoff wait, so shutdown does not wait for it. */
  private wake: (() => void) | undefined;
  private dropping = false;
  private dropped = 0;

  constructor(options: PostgreSQLSpanProcessorOptions) {
    this.options = options;
    this.logger = options.logger ?? createLogger('warn');
    this.exporter = new PostgreSQLSpanExporter({ ...options, logger: this.logger });
    this.maxQueueSize = Math.max(1, options.maxQueueSize ?? 10_000);
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 1_000);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & SAMPLED) === 0) return;
    if (this.stopped || this.queue.length + this.inFlight >= this.maxQueueSize) {
      this.dropped++;
      // One warning when dropping starts, not one per span while the queue stays full.
      if (!this.dropping && !this.stopped) {
        this.logger.warn('span queue full, dropping spans', { maxQueueSize: this.maxQueueSize });
      }
      this.dropping = true;
      return;
    }
    this.dropping = false;
    this.queue.push(span);
    this.schedule(this.queue.length >= this.maxBatchSize ? 0 : (this.options.flushIntervalMs ?? 500));
  }

  /**
   * Resolves once every span queued so far is committed; rejects with the error of a batch that
   * failed meanwhile (the SDK's `provider.forceFlush()` sees it), or a TimeoutError.
   */
  async forceFlush(): Promise<void> {
    this.failure = undefined;
    await this.withTimeout(this.drain());
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** Refuses further spans, writes what is queued (up to `flushTimeoutMs`), counts the rest as dropped. */
  shutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  stats(): SpanExporterStats {
    return { ...this.exporter.stats(), queued: this.queue.length + this.inFlight, dropped: this.dropped };
  }

  private async stop(): Promise<void> {
    clearTimeout(this.timer);
    try {
      await this.withTimeout(this.drain());
    } catch (error) {
      this.givingUp = true;
      this.wake?.();
      this.logger.warn('span processor shut down with unwritten spans', {
        queued: this.stats().queued,
        error,
      });
    }
    // The batch under way ends (back in the queue if unwritten); whatever is still queued is dropped.
    await this.writing;
    await this.exporter.shutdown();
    this.dropped += this.queue.length;
    this.queue = [];
  }

  private schedule(delayMs: number): void {
    if (this.writing) return;
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);
    this.timer.unref();
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= this.writeAll().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0 && !this.stopped) this.schedule(this.options.flushIntervalMs ?? 500);
    });
    return this.writing;
  }

  /**
   * One batch at a time, until the queue is empty. A batch the database could not take goes back to
   * the head of the queue and is tried again after a backoff, until it is stored or shutdown gives up.
   */
  private async writeAll(): Promise<void> {
    while (!this.givingUp && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.inFlight = batch.length;
      // One attempt per batch: the backoff between attempts is the processor's, unbounded in time.
      const result = await this.exporter.store(batch, 0);
      this.inFlight = 0;
      if (result.refused) this.failure ??= result.refused;
      if (!result.transientError) {
        this.outageFailures = 0;
        this.outageError = undefined;
        continue;
      }
      this.queue.unshift(...result.unwritten);
      this.outageError = result.transientError;
      if (this.outageFailures++ === 0) {
        this.logger.warn('span write failed, retrying until the database is back', {
          queued: this.queue.length,
          error: result.transientError.message,
        });
      }
      if (this.givingUp) break;
      this.exporter.countRetry();
      await this.pause(retryDelay(this.outageFailures, this.options.retry, SPAN_RETRY_DEFAULTS));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    const ms = this.options.flushTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            this.outageError ??
              new TimeoutError(`spans not written within ${ms} ms (${this.stats().queued} queued)`),
          ),
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
