import type { DatabaseSession } from '../db/Database.js';
import { isTransientError } from '../db/isTransientError.js';
import { DatabaseError } from '../errors.js';
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

async function writeChunk(
  db: DatabaseSession,
  rows: SpanRow[],
  result: WriteSpanRowsResult,
): Promise<boolean> {
  try {
    result.written += await db.copyRows('spans', SPAN_COLUMNS, rows.map(spanRowValues));
    return true;
  } catch (error) {
    if (isTransientError(error)) {
      result.retryable.push(...rows);
      result.transientError = error;
      return false;
    }
    if (rows.length === 1) {
      if (error instanceof DatabaseError && error.sqlState === '23505') result.duplicates++;
      else result.rejected.push({ row: rows[0]!, error });
      return true;
    }
    // One bad row fails the whole COPY: halve until it stands alone, storing every good row.
    const middle = rows.length >>> 1;
    if (!(await writeChunk(db, rows.slice(0, middle), result))) {
      result.retryable.push(...rows.slice(middle));
      return false;
    }
    return writeChunk(db, rows.slice(middle), result);
  }
}

/**
 * Stores span rows with COPY, isolating rows the database refuses by splitting the batch. Never
 * throws for data or connection errors: the result says what was stored, refused and left to retry.
 * Runs with tracing suppressed. Used by the span exporter and by OTLP ingest.
 */
export async function writeSpanRows(
  db: DatabaseSession,
  rows: readonly SpanRow[],
): Promise<WriteSpanRowsResult> {
  const result: WriteSpanRowsResult = { written: 0, duplicates: 0, rejected: [], retryable: [] };
  if (rows.length > 0) await withoutTracing(() => writeChunk(db, [...rows], result));
  return result;
}
