import { setImmediate as nextTurn } from 'node:timers/promises';
import { encodeCopyText } from './copyText.js';
import type { Database, DatabaseSession } from './Database.js';
import { isTransientError } from './isTransientError.js';
import { type RowTarget, type WriteRowsResult, writeRowsOnce } from './writeRowsOnce.js';

/** Rows encoded between two turns of the event loop. */
const ENCODE_CHUNK_ROWS = 2_000;

/** Dropped right after the COPY; only used when the caller's session is inside a transaction. */
const SAVEPOINT = 'pgtel_copy_first';

function isDatabase(db: DatabaseSession): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

/** The COPY text of `values`, encoded a chunk at a time so probes and other requests get their turn. */
async function copyTextInTurns(values: readonly unknown[][]): Promise<string> {
  let text = '';
  for (let i = 0; i < values.length; i += ENCODE_CHUNK_ROWS) {
    if (i > 0) await nextTurn();
    text += encodeCopyText(values.slice(i, i + ENCODE_CHUNK_ROWS));
  }
  return text;
}

/**
 * Stores rows exactly once, as {@link writeRowsOnce} does, at about the cost of a bare COPY when none
 * of them is stored yet (the common case: retries are rare). One plain COPY straight into the table
 * (atomic: all rows or none); only when it fails, because a row's key is already stored (a resent
 * batch) or the database refuses a row, is the batch stored again through `writeRowsOnce` (staging
 * table, `INSERT … ON CONFLICT DO NOTHING`, poison rows isolated). The table's unique key is what
 * finds a resent row either way. A transient error stores nothing and returns every row as
 * `retryable`. Never throws for data or connection errors.
 *
 * @param db the database (the COPY commits on its own), or a session inside a transaction (the COPY
 *   runs in a savepoint, so a refused COPY leaves the transaction usable)
 * @param rows what the caller passed, reported back when refused or retryable
 * @param values the COPY values of each row, in `target.columns` order
 */
export async function copyFirstRowsOnce<R>(
  db: DatabaseSession,
  target: RowTarget,
  rows: readonly R[],
  values: readonly unknown[][],
): Promise<WriteRowsResult<R>> {
  if (rows.length === 0) return { written: 0, duplicates: 0, rejected: [], retryable: [] };
  const text = await copyTextInTurns(values);
  const inTransaction = !isDatabase(db);
  let copied = false;
  try {
    if (inTransaction) await db.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const written = await db.copyTextInto(db.table(target.table), target.columns, text);
      copied = true;
      return { written, duplicates: 0, rejected: [], retryable: [] };
    } finally {
      const end = copied
        ? `RELEASE SAVEPOINT ${SAVEPOINT}`
        : `ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`;
      if (inTransaction) await db.exec(end);
    }
  } catch (error) {
    if (isTransientError(error)) {
      return { written: 0, duplicates: 0, rejected: [], retryable: [...rows], transientError: error };
    }
  }
  return writeRowsOnce(db, target, rows, values);
}
