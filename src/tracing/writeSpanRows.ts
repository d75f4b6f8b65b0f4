import { copyNewRows } from '../db/copyNewRows.js';
import type { Database, DatabaseSession } from '../db/Database.js';
import { isTransientError } from '../db/isTransientError.js';
import { DatabaseError } from '../errors.js';
import { mapInSlices } from '../otlp/TimeSlicer.js';
import { limitSpanRow, SPAN_TEXT_LIMITS, type SpanTextLimits } from './limitSpanRow.js';
import { SPAN_COLUMNS, type SpanRow, spanRowValues } from './SpanRow.js';
import { withoutTracing } from './withoutTracing.js';

export interface RejectedSpanRow {
  row: SpanRow;
  error: unknown;
}

export interface WriteSpanRowsResult {
  /** Rows stored by this call. */
  written: number;
  /** Rows already stored (same trace, span and start): an earlier attempt got through. */
  duplicates: number;
  /** Rows the database refused on their own (poison rows); every other row of their batch is stored. */
  rejected: RejectedSpanRow[];
  /** Rows not stored because of a transient error (connection lost, server restarting): retry them. */
  retryable: SpanRow[];
  /** The transient error, when there are retryable rows. */
  transientError?: unknown;
}

/** Dropped at commit; one per transaction, emptied before each use. */
const SAVEPOINT = 'pgtel_span_rows';
const SPAN_KEY = ['trace_id', 'span_id', 'start_time'];

/**
 * Errors a row's own data causes (invalid text or value, a constraint, a value too large for an
 * index): worth isolating the row. Anything else fails every row alike, so splitting would not help.
 */
function isRowError(error: unknown): boolean {
  const sqlState = error instanceof DatabaseError ? error.sqlState : undefined;
  return sqlState !== undefined && (/^2[23]/.test(sqlState) || sqlState === '54000');
}

interface Batch {
  /** What the caller passed, reported back as refused when a row fails. */
  rows: readonly SpanRow[];
  /** COPY values of the rows as stored (long texts cut, end clamped: `limitSpanRow`). */
  values: readonly unknown[][];
}

/**
 * Stages rows [from, to) and inserts those not already stored, inside a savepoint so a refused row
 * leaves the transaction usable; on a row error the range is halved until the row stands alone.
 */
async function storeRange(
  tx: DatabaseSession,
  batch: Batch,
  from: number,
  to: number,
  result: WriteSpanRowsResult,
): Promise<void> {
  await tx.exec(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const inserted = await copyNewRows(tx, 'spans', SPAN_COLUMNS, batch.values.slice(from, to), SPAN_KEY);
    await tx.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    result.written += inserted;
    result.duplicates += to - from - inserted;
  } catch (error) {
    if (!isRowError(error)) throw error;
    await tx.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`);
    if (to - from === 1) {
      result.rejected.push({ row: batch.rows[from]!, error });
      return;
    }
    const middle = from + ((to - from) >>> 1);
    await storeRange(tx, batch, from, middle, result);
    await storeRange(tx, batch, middle, to, result);
  }
}

export interface WriteSpanRowsOptions {
  /**
   * Byte limits of stored texts, each defaulting to {@link SPAN_TEXT_LIMITS}. The span exporter
   * lifts `attributeValue`: it cuts attribute strings itself, at its `maxStringLength`.
   */
  limits?: Partial<SpanTextLimits>;
}

function isDatabase(db: DatabaseSession): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

/**
 * Stores span rows exactly once, in one transaction: COPY into a temporary table, then
 * `INSERT ... ON CONFLICT DO NOTHING` on the primary key (trace, span, start), so rows already
 * stored (a resent request, a retried batch) are counted as `duplicates` at the cost of a first
 * write. Over-long texts are cut and an end before the start is clamped (`limitSpanRow`). A row the
 * database refuses for its own data (SQLSTATE class 22 or 23, or 54000) is isolated by splitting
 * the batch and reported in `rejected`; every other row is stored. A transient error stores nothing
 * and returns every row as `retryable`; any other error refuses every row. Never throws for data or
 * connection errors. Runs with tracing suppressed. Used by the span exporter and by OTLP ingest.
 *
 * @param db the database (a transaction of its own), or a session already inside a transaction
 */
export async function writeSpanRows(
  db: DatabaseSession,
  rows: readonly SpanRow[],
  options: WriteSpanRowsOptions = {},
): Promise<WriteSpanRowsResult> {
  const empty = (): WriteSpanRowsResult => ({ written: 0, duplicates: 0, rejected: [], retryable: [] });
  if (rows.length === 0) return empty();
  const limits = { ...SPAN_TEXT_LIMITS, ...options.limits };
  // Mapped in slices: a large batch never holds the event loop for long.
  const values = await mapInSlices(rows, (row) => spanRowValues(limitSpanRow(row, limits)));
  const batch: Batch = { rows, values };
  return withoutTracing(async () => {
    const result = empty();
    try {
      const all = (tx: DatabaseSession) => storeRange(tx, batch, 0, rows.length, result);
      if (isDatabase(db)) await db.transaction(all);
      else await all(db);
      return result;
    } catch (error) {
      // Rolled back: nothing of this call is stored, whatever the counts said so far.
      if (isTransientError(error)) return { ...empty(), retryable: [...rows], transientError: error };
      return { ...empty(), rejected: rows.map((row) => ({ row, error })) };
    }
  });
}
