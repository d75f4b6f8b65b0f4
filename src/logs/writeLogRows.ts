import { copyFirstRowsOnce } from '../db/copyFirstRowsOnce.js';
import type { DatabaseSession } from '../db/Database.js';
import type { WriteRowsResult } from '../db/writeRowsOnce.js';
import { mapInSlices } from '../otlp/TimeSlicer.js';
import { withoutTracing } from '../tracing/withoutTracing.js';
import { LOG_COLUMNS, type LogRow, logRowValues } from './LogRow.js';

const LOG_TARGET = { table: 'logs', columns: LOG_COLUMNS, key: ['record_id', 'time'] };

/**
 * Stores log rows exactly once (`copyFirstRowsOnce` on `(record_id, time)`): a plain COPY when none
 * is stored yet, else staging and `INSERT … ON CONFLICT`, so a resent record is counted as a
 * duplicate, never stored twice. Poison rows are isolated and
 * reported in `rejected`; a transient error stores nothing and returns every row as `retryable`.
 * Never throws for data or connection errors. Runs with tracing suppressed. Used by the log record
 * exporter and by OTLP ingest.
 *
 * @param db the database (a transaction of its own), or a session already inside a transaction
 */
export async function writeLogRows(
  db: DatabaseSession,
  rows: readonly LogRow[],
): Promise<WriteRowsResult<LogRow>> {
  const values = await mapInSlices(rows, logRowValues);
  return withoutTracing(() => copyFirstRowsOnce(db, LOG_TARGET, rows, values));
}
