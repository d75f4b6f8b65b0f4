import type { DatabaseSession } from '../db/Database.js';
import { type RejectedRow, type WriteRowsResult, writeRowsOnce } from '../db/writeRowsOnce.js';
import { mapInSlices } from '../otlp/TimeSlicer.js';
import { limitSpanRow, SPAN_TEXT_LIMITS, type SpanTextLimits } from './limitSpanRow.js';
import { SPAN_COLUMNS, type SpanRow, spanRowValues } from './SpanRow.js';
import { withoutTracing } from './withoutTracing.js';

export type RejectedSpanRow = RejectedRow<SpanRow>;

/** What `writeSpanRows` did with each row (see `WriteRowsResult`). */
export type WriteSpanRowsResult = WriteRowsResult<SpanRow>;

const SPAN_TARGET = { table: 'spans', columns: SPAN_COLUMNS, key: ['trace_id', 'span_id', 'start_time'] };

export interface WriteSpanRowsOptions {
  /**
   * Byte limits of stored texts, each defaulting to {@link SPAN_TEXT_LIMITS}. The span exporter
   * lifts `attributeValue`: it cuts attribute strings itself, at its `maxStringLength`.
   */
  limits?: Partial<SpanTextLimits>;
}

/**
 * Stores span rows exactly once, in one transaction (`writeRowsOnce` on the primary key: trace,
 * span, start), so rows already stored (a resent request, a retried batch) are counted as
 * `duplicates` at the cost of a first write. Over-long texts are cut and an end before the start is
 * clamped (`limitSpanRow`). Poison rows are isolated and reported in `rejected`; a transient error
 * stores nothing and returns every row as `retryable`. Never throws for data or connection errors.
 * Runs with tracing suppressed. Used by the span exporter and by OTLP ingest.
 *
 * @param db the database (a transaction of its own), or a session already inside a transaction
 */
export async function writeSpanRows(
  db: DatabaseSession,
  rows: readonly SpanRow[],
  options: WriteSpanRowsOptions = {},
): Promise<WriteSpanRowsResult> {
  const limits = { ...SPAN_TEXT_LIMITS, ...options.limits };
  // Mapped in slices: a large batch never holds the event loop for long.
  const values = await mapInSlices(rows, (row) => spanRowValues(limitSpanRow(row, limits)));
  return withoutTracing(() => writeRowsOnce(db, SPAN_TARGET, rows, values));
}
