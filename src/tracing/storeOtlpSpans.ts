import type { DatabaseSession } from '../db/Database.js';
import { databaseReason } from '../db/writeRowsOnce.js';
import type { OtlpSpan } from '../otlp/otlpModel.js';
import { RefusalSummary } from '../otlp/RefusalSummary.js';
import { TimeSlicer } from '../otlp/TimeSlicer.js';
import { checkTimeWindow, type TimeWindow } from '../otlp/timeWindow.js';
import { otlpSpanToRow } from './otlpSpanToRow.js';
import { writeSpanRows } from './writeSpanRows.js';

export interface StoreOtlpSpansResult {
  /** Spans stored by this request. */
  written: number;
  /** Spans already stored by an earlier send of the same request: accepted, not stored twice. */
  duplicates: number;
  /** Spans refused (time outside the window, or refused by the database), with why. */
  refused: RefusalSummary;
  /** Set when storage failed transiently: nothing of the request is stored, the sender should retry. */
  transientError?: unknown;
}

/**
 * Stores the spans of one OTLP trace request in one transaction, exactly once (a resent request
 * stores nothing twice: `writeSpanRows`). Spans starting outside `window` (older than the spans'
 * retention, or too far in the future) are refused one by one and named in `refused`, never
 * failing the request.
 */
export async function storeOtlpSpans(
  db: DatabaseSession,
  spans: readonly OtlpSpan[],
  window: TimeWindow,
): Promise<StoreOtlpSpansResult> {
  const refused = new RefusalSummary('span');
  const rows = [];
  const slicer = new TimeSlicer();
  for (const span of spans) {
    const violation = checkTimeWindow(window, span.startTimeUnixNano);
    if (violation) refused.add(violation.kind, `start time ${violation.reason}`);
    else rows.push(otlpSpanToRow(span));
    if (slicer.due()) await slicer.pause();
  }
  const result = await writeSpanRows(db, rows);
  if (result.retryable.length > 0) {
    return { written: 0, duplicates: 0, refused, transientError: result.transientError };
  }
  for (const { row, error } of result.rejected) {
    const reason = databaseReason(error);
    refused.add(`database: ${reason}`, `span ${row.spanId} refused by the database: ${reason}`);
  }
  return { written: result.written, duplicates: result.duplicates, refused };
}
