import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { buildSpanTree, type SpanNode } from './buildSpanTree.js';
import { isValidTraceId } from './ids.js';
import { STORED_SPAN_COLUMNS, type StoredSpan } from './StoredSpan.js';

/** A stored trace: its spans as a tree, with its root and duration. */
export interface Trace {
  traceId: string;
  /** Spans without a stored parent, each with its descendants. */
  roots: SpanNode[];
  spanCount: number;
  /** True when the trace has more spans than `maxSpans` and only the earliest were read. */
  truncated: boolean;
  services: string[];
  startTime: Date;
  endTime: Date;
  durationMs: number;
}

/**
 * One trace as a tree, or undefined when no span of it is stored. Reads at most `maxSpans`
 * (default 10,000) spans, earliest first. Served by the primary key (trace_id, ...).
 */
export async function getTrace(
  db: DatabaseSession,
  traceId: string,
  options: { maxSpans?: number } = {},
): Promise<Trace | undefined> {
  if (!isValidTraceId(traceId)) {
    throw new ValidationError(
      `Trace id must be 32 lowercase hex characters, not all zero (got ${JSON.stringify(traceId)})`,
    );
  }
  const maxSpans = options.maxSpans ?? 10_000;
  const { rows } = await db.query<StoredSpan>(
    `SELECT ${STORED_SPAN_COLUMNS} FROM ${db.table('spans')} WHERE trace_id = $1 ORDER BY start_time, span_id LIMIT $2`,
    [traceId, maxSpans + 1],
  );
  if (rows.length === 0) return undefined;
  const spans = rows.slice(0, maxSpans);
  const start = Math.min(...spans.map((s) => s.startTime.getTime()));
  const end = Math.max(...spans.map((s) => s.endTime.getTime()));
  return {
    traceId,
    roots: buildSpanTree(spans),
    spanCount: spans.length,
    truncated: rows.length > maxSpans,
    services: [...new Set(spans.map((s) => s.serviceName))].sort(),
    startTime: new Date(start),
    endTime: new Date(end),
    durationMs: end - start,
  };
}
