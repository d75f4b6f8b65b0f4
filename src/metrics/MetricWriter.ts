import type { Clock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { DatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type RetryOptions, retryDelay } from '../retryDelay.js';
import type { MetricRow } from './metricRows.js';
import type { StoredSeries } from './StoredSeries.js';
import { storeMetricRows } from './storeMetricRows.js';

export interface MetricWriterOptions {
  db: Database;
  clock: Clock;
  logger?: Logger | undefined;
  /** Rows kept while the database is unreachable; beyond it the oldest are dropped and counted. Default 100,000. */
  maxPendingRows?: number | undefined;
  /** Rows per COPY. Default 5,000. */
  batchSize?: number | undefined;
  /** Backoff between retries of a failed write. Default `{ baseMs: 1_000, maxMs: 60_000 }`. */
  retry?: RetryOptions | undefined;
}

/** Counters of the write path; every row that was not stored is in `droppedRows` or `poisonRows`. */
export interface WriterStats {
  writtenRows: number;
  pendingRows: number;
  /** Dropped because pending rows exceeded the bound (oldest first), or left at shutdown. */
  droppedRows: number;
  /** Refused by the database one by one (a data error isolated by splitting its batch). */
  poisonRows: number;
  failedWrites: number;
  lastError: string | undefined;
}

export interface WriteReport {
  written: number;
  pending: number;
  /** The error that stopped this write (rows kept for a retry), if any. */
  error?: Error;
}

/** Series ids remembered as registered; past this many the memory is cleared (they are re-registered harmlessly). */
const KNOWN_SERIES_LIMIT = 200_000;

/** Data errors (class 22) and constraint violations (class 23) come from a row; anything else is retried. */
export function isPoisonError(error: unknown): boolean {
  const state = error instanceof DatabaseError ? error.sqlState : undefined;
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/**
 * Writes metric rows with COPY, in order, from a bounded in-memory queue. A failed write keeps the
 * rows and retries with exponential backoff; a row the database refuses is isolated by splitting its
 * batch and dropped (counted). Writes are serialized: concurrent calls wait for the one in flight.
 * Rows landing in an hour that may already be rolled up mark that hour for a new rollup.
 */
export class MetricWriter {
  private readonly pending: MetricRow[][] = [];
  private readonly stats: WriterStats = {
    writtenRows: 0,
    pendingRows: 0,
    droppedRows: 0,
    poisonRows: 0,
    failedWrites: 0,
    lastError: undefined,
  };
  private readonly maxPending: number;
  private readonly batchSize: number;
  private failures = 0;
  private nextAttemptAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Series of queued rows not yet registered in `metric_series`. */
  private readonly unregistered = new Map<string, StoredSeries>();
  private readonly registered = new Set<string>();

  constructor(private readonly options: MetricWriterOptions) {
    this.maxPending = options.maxPendingRows ?? 100_000;
    this.batchSize = options.batchSize ?? 5_000;
  }

  /**
   * Queues rows and the series they belong to; when over the bound, the oldest rows are dropped and
   * counted.
   */
  enqueue(rows: readonly MetricRow[], series: Iterable<StoredSeries>): void {
    for (const s of series) if (!this.registered.has(s.id)) this.unregistered.set(s.id, s);
    for (let i = 0; i < rows.length; i += this.batchSize) {
      this.pending.push(rows.slice(i, i + this.batchSize));
    }
    this.stats.pendingRows += rows.length;
    let excess = this.stats.pendingRows - this.maxPending;
    while (excess > 0 && this.pending.length > 0) {
      const oldest = this.pending[0]!;
      const drop = Math.min(excess, oldest.length);
      oldest.splice(0, drop);
      if (oldest.length === 0) this.pending.shift();
      excess -= drop;
      this.stats.pendingRows -= drop;
      this.stats.droppedRows += drop;
    }
  }

  /** True when rows wait and the backoff after the last failure has passed. */
  due(): boolean {
    return this.stats.pendingRows > 0 && this.options.clock.now() >= this.nextAttemptAt;
  }

  getStats(): WriterStats {
    return { ...this.stats };
  }

  /** Counts rows given up (left pending at shutdown) as dropped. */
  abandonPending(): number {
    const lost = this.stats.pendingRows;
    this.pending.length = 0;
    this.stats.pendingRows = 0;
    this.stats.droppedRows += lost;
    return lost;
  }

  /** Writes every pending row, or stops at the first transient failure. Never throws. */
  write(): Promise<WriteReport> {
    const run = this.chain.then(() => this.writePending());
    this.chain = run;
    return run;
  }

  private async writePending(): Promise<WriteReport> {
    let written = 0;
    while (this.pending.length > 0) {
      const batch = this.pending[0]!;
      const size = batch.length;
      try {
        written += await this.writeIsolating(batch);
        this.pending.shift();
        this.stats.pendingRows -= batch.length;
        this.failures = 0;
      } catch (error) {
        this.stats.pendingRows -= size - batch.length;
        this.failures++;
        this.stats.failedWrites++;
        this.stats.lastError = (error as Error).message;
        const delay = retryDelay(this.failures, this.options.retry, { baseMs: 1_000, maxMs: 60_000 });
        this.nextAttemptAt = this.options.clock.now() + delay;
        this.options.logger?.warn('metrics write failed; rows kept for a retry', {
          pendingRows: this.stats.pendingRows,
          retryInMs: delay,
          error: error as Error,
        });
        return { written, pending: this.stats.pendingRows, error: error as Error };
      }
    }
    return { written, pending: 0 };
  }

  /**
   * Writes one batch. On a data error, splits it in halves until the refused rows are alone, drops
   * them (counted) and writes the rest. A transient error propagates with the unwritten rows left in
   * `batch` (written ones are removed from it), so a retry never writes a row twice.
   */
  private async writeIsolating(batch: MetricRow[]): Promise<number> {
    try {
      const written = await this.copy(batch);
      this.stats.writtenRows += written;
      return written;
    } catch (error) {
      if (!isPoisonError(error)) throw error;
      if (batch.length === 1) {
        this.stats.poisonRows++;
        this.options.logger?.warn('metrics row refused by the database and dropped', {
          metric: batch[0]![0].slice(0, 80),
          error: error as Error,
        });
        return 0;
      }
    }
    const half = Math.ceil(batch.length / 2);
    const parts = [batch.slice(0, half), batch.slice(half)];
    let written = 0;
    for (let i = 0; i < parts.length; i++) {
      try {
        written += await this.writeIsolating(parts[i]!);
      } catch (error) {
        batch.splice(0, batch.length, ...parts.slice(i).flat());
        throw error;
      }
    }
    return written;
  }

  /** Stores one batch, registering the series still unknown in the same transaction. */
  private async copy(rows: MetricRow[]): Promise<number> {
    const series = [...this.unregistered.values()];
    const written = await this.options.db.transaction((tx) =>
      storeMetricRows(tx, rows, series, this.options.clock.now()),
    );
    if (this.registered.size + series.length > KNOWN_SERIES_LIMIT) this.registered.clear();
    for (const s of series) {
      this.unregistered.delete(s.id);
      this.registered.add(s.id);
    }
    return written;
  }
}
