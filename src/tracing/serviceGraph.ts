import type { DatabaseSession } from '../db/Database.js';

/** Calls from one service to another in a time range: child spans whose parent is in the caller. */
export interface ServiceEdge {
  caller: string;
  callee: string;
  calls: number;
  errors: number;
  /** Calls per second over the range. */
  ratePerSecond: number;
  /** errors / calls, 0 to 1. */
  errorRate: number;
  /** 95th percentile of the callee spans' durations, within 1%; null without a finite duration. */
  p95Ms: number | null;
}

/** A service of the map with its calls in and out. */
export interface ServiceNode {
  service: string;
  callsIn: number;
  callsOut: number;
  errorsIn: number;
}

/** The service map of a time range. */
export interface ServiceGraph {
  /** The range, `from` rounded down to its minute. */
  from: Date;
  to: Date;
  /** Spans before this came from `service_edges`, later ones straight from `spans`; null: all from `spans`. */
  aggregatedUntil: Date | null;
  services: ServiceNode[];
  edges: ServiceEdge[];
}

const MINUTE_MS = 60_000;

/**
 * The calls between services in [from, to): the per-minute rows of `service_edges` up to the
 * aggregation mark, plus the spans after it (the last minutes the job has not reached yet) read through
 * `service_edges_between`. Percentiles come from the merged duration sketches.
 */
export async function serviceGraph(
  db: DatabaseSession,
  range: { from: Date; to: Date },
): Promise<ServiceGraph> {
  const from = new Date(Math.floor(range.from.getTime() / MINUTE_MS) * MINUTE_MS);
  const { to } = range;
  // One mark for both halves: minutes before it from service_edges, spans after it read live.
  const mark = await aggregationMark(db);
  const { rows } = await db.query<{
    caller: string;
    callee: string;
    calls: string;
    errors: string;
    p95: number | null;
  }>(
    `WITH edge AS (
       SELECT caller, callee, calls, errors, duration_min, duration_max, sketch_keys, sketch_counts
         FROM ${db.table('service_edges')}
        WHERE $3::timestamptz IS NOT NULL AND minute >= $1 AND minute < least($2::timestamptz, $3::timestamptz)
       UNION ALL
       SELECT caller, callee, calls, errors, duration_min, duration_max, sketch_keys, sketch_counts
         FROM ${db.table('service_edges_between')}(greatest($1::timestamptz, coalesce($3::timestamptz, $1)), $2)
     ), merged AS (
       SELECT caller, callee, sum(calls) AS calls, sum(errors) AS errors,
              min(duration_min) AS duration_min, max(duration_max) AS duration_max
         FROM edge GROUP BY 1, 2
     ), bucket AS (
       SELECT caller, callee, u.k, sum(u.n)::bigint AS n
         FROM edge, unnest(edge.sketch_keys, edge.sketch_counts) AS u(k, n) GROUP BY 1, 2, 3
     ), sketch AS (
       SELECT caller, callee, array_agg(k ORDER BY k) AS keys, array_agg(n ORDER BY k) AS counts
         FROM bucket GROUP BY 1, 2
     )
     SELECT m.caller, m.callee, m.calls, m.errors,
            ${db.table('metric_sketch_quantile')}(s.keys, s.counts, 0.95, m.duration_min, m.duration_max) AS p95
       FROM merged m LEFT JOIN sketch s USING (caller, callee)
      ORDER BY m.calls DESC, m.caller, m.callee`,
    [from, to, mark],
  );
  const seconds = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  const edges = rows.map((r): ServiceEdge => {
    const calls = Number(r.calls);
    const errors = Number(r.errors);
    return {
      caller: r.caller,
      callee: r.callee,
      calls,
      errors,
      ratePerSecond: calls / seconds,
      errorRate: calls ? errors / calls : 0,
      p95Ms: r.p95,
    };
  });
  return { from, to, aggregatedUntil: mark, services: servicesOf(edges), edges };
}

async function aggregationMark(db: DatabaseSession): Promise<Date | null> {
  const { rows } = await db.query<{ mark: Date | null }>(
    `SELECT aggregated_until AS mark FROM ${db.table('service_edges_progress')}`,
  );
  return rows[0]?.mark ?? null;
}

/** The services of `edges` with their calls in and out, busiest first. Pure. */
export function servicesOf(edges: readonly ServiceEdge[]): ServiceNode[] {
  const nodes = new Map<string, ServiceNode>();
  const node = (service: string) => {
    let found = nodes.get(service);
    if (!found) {
      found = { service, callsIn: 0, callsOut: 0, errorsIn: 0 };
      nodes.set(service, found);
    }
    return found;
  };
  for (const edge of edges) {
    node(edge.caller).callsOut += edge.calls;
    const callee = node(edge.callee);
    callee.callsIn += edge.calls;
    callee.errorsIn += edge.errors;
  }
  return [...nodes.values()].sort(
    (a, b) => b.callsIn + b.callsOut - (a.callsIn + a.callsOut) || a.service.localeCompare(b.service),
  );
}
