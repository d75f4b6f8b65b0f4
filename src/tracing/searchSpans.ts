import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';
import type { SpanKindName, SpanStatusName } from './SpanRow.js';
import { decodeSpanCursor, encodeSpanCursor } from './spanCursor.js';

/** Filters of `searchSpans`. */
export interface SpanSearch {
  service?: string;
  operation?: string;
  status?: SpanStatusName;
  /** Inclusive lower bound of the duration. */
  minDurationMs?: number;
  /** Inclusive upper bound of the duration. */
  maxDurationMs?: number;
  /** Spans whose attributes contain all these key/value pairs. */
  attributes?: Record<string, string | number | boolean>;
  /** Spans that started at or after this time. */
  from?: Date;
  /** Spans that started before this time. */
  to?: Date;
  /** Only spans without a parent: one hit per locally started trace. */
  rootsOnly?: boolean;
  /** Page size, 1 to 1,000 (default 20). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One span as `searchSpans` lists it. */
export interface SpanSummary {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  operationName: string;
  serviceName: string;
  kind: SpanKindName;
  startTime: Date;
  durationMs: number;
  status: SpanStatusName;
  statusMessage: string | null;
}

/** One page of `searchSpans`, with the cursor of the next. */
export interface SpanSearchPage {
  spans: SpanSummary[];
  /** Pass it as `cursor` for the next page; undefined on the last page. */
  nextCursor: string | undefined;
}

const STATUSES: readonly string[] = ['unset', 'ok', 'error'];

function check(condition: boolean, message: string): void {
  if (!condition) throw new ValidationError(message);
}

function validate(search: SpanSearch): void {
  check(
    search.status === undefined || STATUSES.includes(search.status),
    `status must be one of ${STATUSES.join(', ')}`,
  );
  for (const key of ['minDurationMs', 'maxDurationMs'] as const) {
    const value = search[key];
    check(value === undefined || (Number.isFinite(value) && value >= 0), `${key} must be a number >= 0`);
  }
  for (const key of ['from', 'to'] as const) {
    const value = search[key];
    check(
      value === undefined || (value instanceof Date && !Number.isNaN(value.getTime())),
      `${key} must be a valid Date`,
    );
  }
  const limit = search.limit ?? 20;
  check(
    Number.isInteger(limit) && limit >= 1 && limit <= 1000,
    'limit must be a whole number from 1 to 1000',
  );
  for (const [key, value] of Object.entries(search.attributes ?? {})) {
    check(
      ['string', 'number', 'boolean'].includes(typeof value),
      `attribute ${key} must be a string, number or boolean`,
    );
  }
}

/**
 * Spans matching every given filter, newest first (start time, then trace and span id), one page
 * at a time. Served by the indexes on (service_name[, operation_name], start_time), the partial
 * indexes for errors and roots, and the GIN index on attributes. Throws ValidationError for bad input.
 */
export async function searchSpans(db: DatabaseSession, search: SpanSearch = {}): Promise<SpanSearchPage> {
  validate(search);
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (search.service !== undefined) add((p) => `service_name = ${p}`, search.service);
  if (search.operation !== undefined) add((p) => `operation_name = ${p}`, search.operation);
  if (search.status !== undefined) add((p) => `status = ${p}`, search.status);
  if (search.minDurationMs !== undefined) add((p) => `duration_ms >= ${p}`, search.minDurationMs);
  if (search.maxDurationMs !== undefined) add((p) => `duration_ms <= ${p}`, search.maxDurationMs);
  if (search.attributes && Object.keys(search.attributes).length > 0) {
    add((p) => `attributes @> ${p}::jsonb`, toJsonText(search.attributes));
  }
  if (search.from) add((p) => `start_time >= ${p}`, search.from);
  if (search.to) add((p) => `start_time < ${p}`, search.to);
  if (search.rootsOnly) where.push('parent_span_id IS NULL');
  if (search.cursor !== undefined) {
    const cursor = decodeSpanCursor(search.cursor);
    params.push(cursor.startMicros, cursor.traceId, cursor.spanId);
    const n = params.length;
    where.push(
      `(start_time, trace_id, span_id) < ('epoch'::timestamptz + $${n - 2}::bigint * interval '1 microsecond', $${n - 1}, $${n})`,
    );
  }
  const limit = search.limit ?? 20;
  params.push(limit + 1);
  const { rows } = await db.query<SpanSummary & { startMicros: number }>(
    `SELECT trace_id AS "traceId", span_id AS "spanId", parent_span_id AS "parentSpanId",
            operation_name AS "operationName", service_name AS "serviceName", kind,
            start_time AS "startTime", duration_ms AS "durationMs", status, status_message AS "statusMessage",
            (extract(epoch FROM start_time) * 1000000)::bigint AS "startMicros"
       FROM ${db.table('spans')}
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY start_time DESC, trace_id DESC, span_id DESC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    spans: page.map(({ startMicros: _, ...span }) => span),
    nextCursor:
      rows.length > limit && last
        ? encodeSpanCursor({ startMicros: last.startMicros, traceId: last.traceId, spanId: last.spanId })
        : undefined,
  };
}
