import type { DatabaseSession } from '../src/db/Database.js';

/**
 * The calls between services of every generated trace: gateway → orders → orders-db, gateway →
 * payments (plus one span inside orders, which is no call between services). A trace's number is
 * `t`; errors: orders-db when t % 50 = 0, payments when t % 20 = 0.
 */
export const GENERATED_EDGES = [
  { caller: 'gateway', callee: 'orders', errorEvery: 0 },
  { caller: 'orders', callee: 'orders-db', errorEvery: 50 },
  { caller: 'gateway', callee: 'payments', errorEvery: 20 },
] as const;
export const SPANS_PER_TRACE = 5;

/**
 * Inserts traces `first`..`last` (5 spans each) with plain SQL on the server, trace t starting at
 * `start + (t - first) * spacingMs`. Durations cycle through 1..100 ms, so a p95 is about 95 ms.
 */
export async function insertCallSpans(
  db: DatabaseSession,
  range: { first: number; last: number; start: Date; spacingMs: number },
): Promise<void> {
  await db.query(
    `INSERT INTO ${db.table('spans')}
       (trace_id, span_id, parent_span_id, operation_name, service_name, kind, start_time, end_time, duration_ms, status)
     SELECT lpad(to_hex(t), 32, '0'), lpad(to_hex(t * 8 + k), 16, '0'),
            CASE WHEN k = 0 THEN NULL WHEN k IN (2, 3) THEN lpad(to_hex(t * 8 + 1), 16, '0')
                 ELSE lpad(to_hex(t * 8), 16, '0') END,
            (ARRAY['GET /orders', 'load order', 'SELECT orders', 'compute total', 'charge card'])[k + 1],
            (ARRAY['gateway', 'orders', 'orders-db', 'orders', 'payments'])[k + 1],
            CASE WHEN k = 0 THEN 'server' ELSE 'client' END,
            at, at + ms * interval '1 millisecond', ms,
            CASE WHEN (k = 2 AND t % 50 = 0) OR (k = 4 AND t % 20 = 0) THEN 'error' ELSE 'ok' END
       FROM generate_series($1::int, $2::int) AS t
      CROSS JOIN generate_series(0, 4) AS k
      CROSS JOIN LATERAL (SELECT $3::timestamptz + ((t - $1) * $4::float8 + k) * interval '1 millisecond' AS at,
                                 ((t * 7 + k * 13) % 100 + 1)::float8 AS ms) AS x`,
    [range.first, range.last, range.start, range.spacingMs],
  );
}

/** The calls and errors of each generated edge for traces `first`..`last`. Pure. */
export function expectedEdges(
  first: number,
  last: number,
): { caller: string; callee: string; calls: number; errors: number }[] {
  const multiples = (n: number) => (n ? Math.floor(last / n) - Math.floor((first - 1) / n) : 0);
  return GENERATED_EDGES.map(({ caller, callee, errorEvery }) => ({
    caller,
    callee,
    calls: last - first + 1,
    errors: multiples(errorEvery),
  }));
}
