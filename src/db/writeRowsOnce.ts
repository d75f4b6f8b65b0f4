import { DatabaseError } from '../errors.js';
import { copyNewRows } from './copyNewRows.js';
import type { Database, DatabaseSession } from './Database.js';
import { isTransientError } from './isTransientError.js';

/** A row the database refused for its own data, with why. */
export interface RejectedRow<R> {
  row: R;
  error: unknown;
}

/** What {@link writeRowsOnce} did with each row. */
export interface WriteRowsResult<R> {
  /** Rows stored by this call. */
  written: number;
  /** Rows already stored (same key): an earlier attempt got through. */
  duplicates: number;
  /** Rows the database refused on their own (poison rows); every other row of their batch is stored. */
  rejected: RejectedRow<R>[];
  /** Rows not stored because of a transient error (connection lost, server restarting): retry them. */
  retryable: R[];
  /** The transient error, when there are retryable rows. */
  transientError?: unknown;
}

/** Where rows go: a table of pgtel's schema, its COPY columns and the unique key duplicates are found by. */
export interface RowTarget {
  table: string;
  columns: readonly string[];
  key: readonly string[];
}

/** The database's message without the statement pgtel appends to it, for refusal messages. */
export function databaseReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ \(while running: [\s\S]*\)$/, '');
}

/** Dropped at commit; one per transaction, emptied before each use. */
const SAVEPOINT = 'pgtel_rows_once';

/**
 * Errors a row's own data causes (invalid text or value, a constraint, a value too large for an
 * index): worth isolating the row. Anything else fails every row alike, so splitting would not help.
 */
function isRowError(error: unknown): boolean {
  const sqlState = error instanceof DatabaseError ? error.sqlState : undefined;
  return sqlState !== undefined && (/^2[23]/.test(sqlState) || sqlState === '54000');
}

/**
 * Stages rows [from, to) and inserts those not already stored, inside a savepoint so a refused row
 * leaves the transaction usable; on a row error the range is halved until the row stands alone.
 */
async function storeRange<R>(
  tx: DatabaseSession,
  target: RowTarget,
  rows: readonly R[],
  values: readonly unknown[][],
  from: number,
  to: number,
  result: WriteRowsResult<R>,
): Promise<void> {
  await tx.exec(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const inserted = await copyNewRows(tx, target.table, target.columns, values.slice(from, to), target.key);
    await tx.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    result.written += inserted;
    result.duplicates += to - from - inserted;
  } catch (error) {
    if (!isRowError(error)) throw error;
    await tx.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`);
    if (to - from === 1) {
      result.rejected.push({ row: rows[from]!, error });
      return;
    }
    const middle = from + ((to - from) >>> 1);
    await storeRange(tx, target, rows, values, from, middle, result);
    await storeRange(tx, target, rows, values, middle, to, result);
  }
}

function isDatabase(db: DatabaseSession): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

/**
 * Stores rows exactly once, in one transaction: COPY into a staging table, then
 * `INSERT ... ON CONFLICT DO NOTHING` (`copyNewRows`), so rows already stored (a resent request, a
 * retried batch) are counted as `duplicates`. A row the database refuses for its own data (SQLSTATE
 * class 22 or 23, or 54000) is isolated by splitting the batch and reported in `rejected`; every
 * other row is stored. A transient error stores nothing and returns every row as `retryable`; any
 * other error refuses every row. Never throws for data or connection errors.
 *
 * @param db the database (a transaction of its own), or a session already inside a transaction
 * @param rows what the caller passed, reported back when refused or retryable
 * @param values the COPY values of each row, in `target.columns` order
 */
export async function writeRowsOnce<R>(
  db: DatabaseSession,
  target: RowTarget,
  rows: readonly R[],
  values: readonly unknown[][],
): Promise<WriteRowsResult<R>> {
  const empty = (): WriteRowsResult<R> => ({ written: 0, duplicates: 0, rejected: [], retryable: [] });
  const result = empty();
  if (rows.length === 0) return result;
  try {
    const all = (tx: DatabaseSession) => storeRange(tx, target, rows, values, 0, rows.length, result);
    if (isDatabase(db)) await db.transaction(all);
    else await all(db);
    return result;
  } catch (error) {
    // Rolled back: nothing of this call is stored, whatever the counts said so far.
    if (isTransientError(error)) return { ...empty(), retryable: [...rows], transientError: error };
    return { ...empty(), rejected: rows.map((row) => ({ row, error })) };
  }
}
