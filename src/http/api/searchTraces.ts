import { attributeCandidates } from '../../db/attributeCandidates.js';
import type { DatabaseSession } from '../../db/Database.js';
import type { PageCursor } from './pageCursor.js';
import type { TimeWindow } from './timeWindow.js';

export interface TraceSearch {
  window: TimeWindow;
  service?: string | undefined;
  operation?: string | undefined;
  status?: 'unset' | 'ok' | 'error' | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  /** Attribute equality; a value that reads as a number or boolean also matches that JSON type. */
  attributes: Record<string, string>;
  after?: PageCursor | undefined;
  limit: number;
}

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

/**
 * Traces having at least one span that matches every filter, newest match first, one page; each
 * with its root span and totals. Keyset-paginated on (newest match, trace id).
 */
export async function searchTraces(
  tx: DatabaseSession,
  search: TraceSearch,
): Promise<{ traces: TraceSummary[]; nextCursor: PageCursor | null }> {
  const params: unknown[] = [
    search.window.from,
    search.window.to,
    search.service ?? null,
    search.operation ?? null,
    search.status ?? null,
    search.minDurationMs ?? null,
    search.maxDurationMs ?? null,
    search.after?.at ?? null,
    search.after?.id ?? null,
    search.limit + 1,
  ];
  // One parameter per attribute filter: the SQL text only varies in how many there are.
  const attributeFilters = Object.entries(search.attributes).map(([key, value]) => {
    params.push(attributeCandidates(key, value));
    return ` AND attributes @> ANY ($${params.length}::jsonb[])`;
  });
  const spans = tx.table('spans');
  const { rows } = await tx.query<TraceSummary & { cursorAt: number }>(
    `WITH matched AS (
       SELECT trace_id, max(start_time) AS at FROM ${spans}
        WHERE start_time >= $1 AND start_time < $2
          AND ($3::text IS NULL OR service_name = $3) AND ($4::text IS NULL OR operation_name = $4)
          AND ($5::text IS NULL OR status = $5)
          AND ($6::float8 IS NULL OR duration_ms >= $6) AND ($7::float8 IS NULL OR duration_ms <= $7)
          ${attributeFilters.join('')}
        GROUP BY trace_id),
     page AS (
       SELECT trace_id, at FROM matched
        WHERE $8::int8 IS NULL OR (at, trace_id) < ('epoch'::timestamptz + $8 * interval '1 microsecond', $9::text)
        ORDER BY at DESC, trace_id DESC LIMIT $10)
     SELECT p.trace_id AS "traceId", root.service_name AS "rootService", root.operation_name AS "rootOperation",
            agg.start_time AS "startTime",
            extract(epoch FROM agg.end_time - agg.start_time)::float8 * 1000 AS "durationMs",
            agg.span_count AS "spanCount", agg.error_count AS "errorCount", agg.services,
            p.at AS "matchedAt", (extract(epoch FROM p.at) * 1000000)::int8 AS "cursorAt"
       FROM page p
       CROSS JOIN LATERAL (
         SELECT min(start_time) AS start_time, max(end_time) AS end_time, count(*)::int8 AS span_count,
                count(*) FILTER (WHERE status = 'error')::int8 AS error_count,
                array_agg(DISTINCT service_name ORDER BY service_name) AS services
           FROM ${spans} s WHERE s.trace_id = p.trace_id) agg
       CROSS JOIN LATERAL (
         SELECT service_name, operation_name FROM ${spans} s WHERE s.trace_id = p.trace_id
          ORDER BY (s.parent_span_id IS NULL) DESC, s.start_time, s.span_id LIMIT 1) root
      ORDER BY p.at DESC, p.trace_id DESC`,
    params,
  );
  const last = rows.length > search.limit ? rows[search.limit - 1] : undefined;
  return {
    traces: rows.slice(0, search.limit).map(({ cursorAt: _, ...trace }) => trace),
    nextCursor: last ? { at: last.cursorAt, id: last.traceId } : null,
  };
}
