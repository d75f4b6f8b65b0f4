import type { DatabaseSession } from '../db/Database.js';
import { databaseReason } from '../db/writeRowsOnce.js';
import type { OtlpLogRecord } from '../otlp/otlpModel.js';
import { RefusalSummary } from '../otlp/RefusalSummary.js';
import { TimeSlicer } from '../otlp/TimeSlicer.js';
import { checkTimeWindow, type TimeWindow } from '../otlp/timeWindow.js';
import type { StoreOtlpSpansResult } from '../tracing/storeOtlpSpans.js';
import type { LogRow } from './LogRow.js';
import { logRecordTime, otlpLogRow } from './otlpLogRows.js';
import { writeLogRows } from './writeLogRows.js';

/** What storing an OTLP logs request did: as for spans, counted in log records. */
export type StoreOtlpLogsResult = StoreOtlpSpansResult;

/**
 * Stores the log records of one OTLP request in one transaction, exactly once (a resent request
 * stores nothing twice: `writeLogRows`). Records whose time (else observed time) lies outside
 * `window` are refused one by one and named in `refused`, never failing the request; so is a record
 * with neither time (it would be 1970).
 */
export async function storeOtlpLogs(
  db: DatabaseSession,
  records: readonly OtlpLogRecord[],
  window: TimeWindow,
): Promise<StoreOtlpLogsResult> {
  const refused = new RefusalSummary('log record');
  const rows: LogRow[] = [];
  const slicer = new TimeSlicer();
  for (const record of records) {
    const violation = checkTimeWindow(window, logRecordTime(record));
    if (violation) refused.add(violation.kind, `time ${violation.reason}`);
    else rows.push(otlpLogRow(record));
    if (slicer.due()) await slicer.pause();
  }
  const result = await writeLogRows(db, rows);
  if (result.retryable.length > 0) {
    return { written: 0, duplicates: 0, refused, transientError: result.transientError };
  }
  for (const { row, error } of result.rejected) {
    const reason = databaseReason(error);
    refused.add(`database: ${reason}`, `log record at ${row.time} refused by the database: ${reason}`);
  }
  return { written: result.written, duplicates: result.duplicates, refused };
}
