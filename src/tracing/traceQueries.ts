import { attributeCandidates } from '../db/attributeCandidates.js';
import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { checkKeysetCursor, type KeysetCursor } from '../db/keysetCursor.js';
import { ValidationError } from '../errors.js';
import { buildSpanTree, type SpanNode } from './buildSpanTree.js';
import { isValidSpanId, isValidTraceId } from './ids.js';
import type { SpanKindName, SpanStatusName } from './SpanRow.js';
import { STORED_SPAN_COLUMNS, type StoredSpan } from './StoredSpan.js';

// The one read path of stored spans: the library, the JSON API (and so the CLI and the dashboard)
// all read traces through these functions.

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

/**
 * Names of every service with stored spans, sorted. A skip scan over the (service_name, start_time)
 * index: one index probe per service, however many spans there are.
 */
export async function listServices(db: DatabaseSession): Promise<string[]> {
  const spans = db.table('spans');
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE services(name) AS (
       (SELECT service_name FROM ${spans} ORDER BY service_name LIMIT 1)
       UNION ALL
       SELECT (SELECT service_name FROM ${spans} WHERE service_name > services.name ORDER BY service_name LIMIT 1)
         FROM services WHERE services.name IS NOT NULL)
     SELECT name FROM services WHERE name IS NOT NULL`,
  );
  return rows.map((r) => r.name);
}

/**
 * Operation names of one service, sorted. A skip scan over the (service_name, operation_name,
 * start_time) index.
 */
export async function listOperations(db: DatabaseSession, service: string): Promise<string[]> {
  const spans = db.table('spans');
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE operations(name) AS (
       (SELECT operation_name FROM ${spans} WHERE service_name = $1 ORDER BY operation_name LIMIT 1)
       UNION ALL
       SELECT (SELECT operation_name FROM ${spans}
                WHERE service_name = $1 AND operation_name > operations.name ORDER BY operation_name LIMIT 1)
         FROM operations WHERE operations.name IS NOT NULL)
     SELECT name FROM operations WHERE name IS NOT NULL`,
    [service],
  );
  return rows.map((r) => r.name);
}

/** Filters shared by the span and the trace search; every one optional, all given must hold. */
export interface SpanFilter {
  service?: string | undefined;
  operation?: string | undefined;
  status?: SpanStatusName | undefined;
  /** Inclusive lower bound of the duration. */
  minDurationMs?: number | undefined;
  /** Inclusive upper bound of the duration. */
  maxDurationMs?: number | undefined;
  /** Spans that started at or after this time. */
  from?: Date | undefined;
  /** Spans that started before this time. */
  to?: Date | undefined;
}

/** Filters of `searchSpans`. */
export interface SpanSearch extends SpanFilter {
  /** Spans whose attributes contain all these key/value pairs (JSON types as given). */
  attributes?: Record<string, string | number | boolean>;
  /** Only spans without a parent: one hit per locally started trace. */
  rootsOnly?: boolean;
  /** Page size, 1 to 1,000 (default 20). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  after?: KeysetCursor | undefined;
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
  /** Pass it as `after` for the next page; null on the last page. */
  nextCursor: KeysetCursor | null;
}

/** Filters of `searchTraces`: a trace matches when one of its spans matches them all. */
export interface TraceSearch extends SpanFilter {
  /** Attribute equality; a value that reads as a number or boolean also matches that JSON type. */
  attributes?: Record<string, string> | undefined;
  /** Page size, 1 to 1,000 (default 20). */
  limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  after?: KeysetCursor | undefined;
}

/** One trace as `searchTraces` lists it: its root span and totals. */
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startTime: Date;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  /** Start of the newest span that matched the search (the list's order). */
  matchedAt: Date;
}

/** One page of `searchTraces`, with the cursor of the next. */
export interface TraceSearchPage {
  traces: TraceSummary[];
  /** Pass it as `after` for the next page; null on the last page. */
  nextCursor: KeysetCursor | null;
}

/** Candidate spans read per trace of a search page at first; a page of traces with many matching spans reads more. */
const CANDIDATES_PER_TRACE = 8;

/** The window of a trace search without `from`: the hour before `to` (default now). */
export const DEFAULT_TRACE_WINDOW_MS = 3_600_000;

const STATUSES: readonly string[] = ['unset', 'ok', 'error'];
/** A span's keyset id: its trace id then its span id (48 hex characters). */
const isSpanKey = (id: string) => isValidTraceId(id.slice(0, 32)) && isValidSpanId(id.slice(32));

function check(condition: boolean, message: string): void {
  if (!condition) throw new ValidationError(message);
}

function checkFilter(filter: SpanFilter, limit: number): void {
  check(
    filter.status === undefined || STATUSES.includes(filter.status),
    `status must be one of ${STATUSES.join(', ')}`,
  );
  for (const key of ['minDurationMs', 'maxDurationMs'] as const) {
    const value = filter[key];
    check(value === undefined || (Number.isFinite(value) && value >= 0), `${key} must be a number >= 0`);
  }
  check(
    filter.minDurationMs === undefined ||
      filter.maxDurationMs === undefined ||
      filter.minDurationMs <= filter.maxDurationMs,
    'minDurationMs must not be above maxDurationMs',
  );
  for (const key of ['from', 'to'] as const) {
    const value = filter[key];
    check(
      value === undefined || (value instanceof Date && !Number.isNaN(value.getTime())),
      `${key} must be a valid Date`,
    );
  }
  check(
    Number.isInteger(limit) && limit >= 1 && limit <= 1000,
    'limit must be a whole number from 1 to 1000',
  );
}

function checkAttributes(attributes: Record<string, unknown>, types: readonly string[], what: string): void {
  for (const [key, value] of Object.entries(attributes))
    check(types.includes(typeof value), `attribute ${key} must be ${what}`);
}

/**
 * Spans matching every given filter, newest first (start time, then trace and span id), one page
 * at a time. Served by the indexes on (service_name[, operation_name], start_time), the partial
 * indexes for errors and roots, and the GIN index on attributes. Throws ValidationError for bad input.
 */
export async function searchSpans(db: DatabaseSession, search: SpanSearch = {}): Promise<SpanSearchPage> {
  const limit = search.limit ?? 20;
  checkFilter(search, limit);
  checkAttributes(search.attributes ?? {}, ['string', 'number', 'boolean'], 'a string, number or boolean');
  if (search.after !== undefined) checkKeysetCursor(search.after, isSpanKey);
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
  if (search.after !== undefined) {
    const { at, id } = search.after;
    params.push(at, id.slice(0, 32), id.slice(32));
    const n = params.length;
    where.push(
      `(start_time, trace_id, span_id) < ('epoch'::timestamptz + $${n - 2}::bigint * interval '1 microsecond', $${n - 1}, $${n})`,
    );
  }
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
      rows.length > limit && last ? { at: last.startMicros, id: `${last.traceId}${last.spanId}` } : null,
  };
}

/**
 * Traces having at least one span that matches every filter, newest match first, one page; each
 * with its root span and totals. Keyset-paginated on (newest match, trace id). Without `from` the
 * window is the hour before `to` (default now). Throws ValidationError for bad input.
 *
 * The matching spans are read newest first and only until the page is full: the first time a trace
 * appears is its newest match, so the traces come out in page order without grouping every match in
 * the window. Starting at `CANDIDATES_PER_TRACE` spans per trace, the read grows fourfold while it
 * comes back full and the page is not. The time-ordered indexes serve filters that match often, the
 * duration and partial error indexes those that match rarely.
 */
export async function searchTraces(db: DatabaseSession, search: TraceSearch = {}): Promise<TraceSearchPage> {
  const limit = search.limit ?? 20;
  checkFilter(search, limit);
  checkAttributes(search.attributes ?? {}, ['string'], 'a string');
  if (search.after !== undefined) checkKeysetCursor(search.after, isValidTraceId);
  const to = search.to ?? new Date();
  const from = search.from ?? new Date(to.getTime() - DEFAULT_TRACE_WINDOW_MS);
  const params: unknown[] = [
    from,
    to,
    search.service ?? null,
    search.operation ?? null,
    search.status ?? null,
    search.minDurationMs ?? null,
    search.maxDurationMs ?? null,
    search.after?.at ?? null,
    search.after?.id ?? null,
  ];
  // One parameter per attribute filter: the SQL text only varies in how many there are.
  const attributeParams = Object.entries(search.attributes ?? {}).map(([key, value]) => {
    params.push(attributeCandidates(key, value));
    return `$${params.length}::jsonb[]`;
  });
  params.push(0);
  const readLimit = params.length;
  const spans = db.table('spans');
  const matches = (alias: string) =>
    `${alias}.start_time >= $1 AND ${alias}.start_time < $2
     AND ($3::text IS NULL OR ${alias}.service_name = $3) AND ($4::text IS NULL OR ${alias}.operation_name = $4)
     AND ($5::text IS NULL OR ${alias}.status = $5)
     AND ($6::float8 IS NULL OR ${alias}.duration_ms >= $6) AND ($7::float8 IS NULL OR ${alias}.duration_ms <= $7)
     ${attributeParams.map((p) => ` AND ${alias}.attributes @> ANY (${p})`).join('')}`;
  const cursorAt = "'epoch'::timestamptz + $8 * interval '1 microsecond'";
  // After a cursor: spans before it, of traces with no match at or after it (those were on earlier pages).
  const candidatesSql = `SELECT s.trace_id AS "traceId", (extract(epoch FROM s.start_time) * 1000000)::int8 AS "cursorAt"
       FROM ${spans} s
      WHERE ${matches('s')}
        AND ($8::int8 IS NULL OR ((s.start_time, s.trace_id) < (${cursorAt}, $9::text)
             AND NOT EXISTS (SELECT 1 FROM ${spans} n WHERE n.trace_id = s.trace_id AND ${matches('n')}
                              AND (n.start_time, n.trace_id) >= (${cursorAt}, $9::text))))
      ORDER BY s.start_time DESC, s.trace_id DESC
      LIMIT $${readLimit}`;
  const wanted = limit + 1;
  let page: { traceId: string; cursorAt: number }[] = [];
  for (let read = wanted * CANDIDATES_PER_TRACE; ; read *= 4) {
    params[readLimit - 1] = read;
    const { rows } = await db.query<{ traceId: string; cursorAt: number }>(candidatesSql, params);
    const newest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) if (!newest.has(row.traceId)) newest.set(row.traceId, row);
    page = [...newest.values()].slice(0, wanted);
    if (page.length === wanted || rows.length < read) break;
  }
  const traces = page.length === 0 ? [] : await traceSummaries(db, page);
  const last = page.length > limit ? page[limit - 1] : undefined;
  return {
    traces: traces.slice(0, limit),
    nextCursor: last ? { at: last.cursorAt, id: last.traceId } : null,
  };
}

/** Root span and totals of each trace of a page, in the page's order. */
async function traceSummaries(
  db: DatabaseSession,
  page: readonly { traceId: string; cursorAt: number }[],
): Promise<TraceSummary[]> {
  const spans = db.table('spans');
  const { rows } = await db.query<TraceSummary>(
    `SELECT p.trace_id AS "traceId", root.service_name AS "rootService", root.operation_name AS "rootOperation",
            agg.start_time AS "startTime",
            extract(epoch FROM agg.end_time - agg.start_time)::float8 * 1000 AS "durationMs",
            agg.span_count AS "spanCount", agg.error_count AS "errorCount", agg.services,
            'epoch'::timestamptz + p.at * interval '1 microsecond' AS "matchedAt"
       FROM unnest($1::text[], $2::int8[]) WITH ORDINALITY AS p(trace_id, at, n)
       CROSS JOIN LATERAL (
         SELECT min(start_time) AS start_time, max(end_time) AS end_time, count(*)::int8 AS span_count,
                count(*) FILTER (WHERE status = 'error')::int8 AS error_count,
                array_agg(DISTINCT service_name ORDER BY service_name) AS services
           FROM ${spans} s WHERE s.trace_id = p.trace_id) agg
       CROSS JOIN LATERAL (
         SELECT service_name, operation_name FROM ${spans} s WHERE s.trace_id = p.trace_id
          ORDER BY (s.parent_span_id IS NULL) DESC, s.start_time, s.span_id LIMIT 1) root
      ORDER BY p.n`,
    [page.map((t) => t.traceId), page.map((t) => t.cursorAt)],
  );
  return rows;
}
