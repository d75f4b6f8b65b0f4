import type { DatabaseSession } from '../../db/Database.js';
import type { TimeWindow } from './timeWindow.js';

/** A metric observation made inside one span of a trace. */
export interface TraceExemplar {
  metric: string;
  spanId: string;
  value: number;
  observedAt: Date;
}

/** A row is flushed at most one flush interval after its observations; an hour covers any interval. */
const FLUSH_SLACK = "interval '1 hour'";

/**
 * The metric observations made in trace `traceId` during `window` (the trace's own span of time): its
 * exemplars, in time order, at most `limit`. Reads the metric rows with exemplars recorded in that
 * window and the flush slack after it, nothing older.
 */
export async function exemplarsOfTrace(
  db: DatabaseSession,
  traceId: string,
  window: TimeWindow,
  limit = 200,
): Promise<TraceExemplar[]> {
  const { rows } = await db.query<{ metric_name: string; span_id: string; value: number; observed_at: Date }>(
    `SELECT metric_name, span_id, value, observed_at
       FROM ${db.table('metric_exemplars')}
      WHERE trace_id = $1 AND recorded_at >= $2 AND recorded_at < $3::timestamptz + ${FLUSH_SLACK}
        AND observed_at >= $2 AND observed_at <= $3
      ORDER BY observed_at, metric_name
      LIMIT $4`,
    [traceId, window.from, window.to, limit],
  );
  return rows.map((r) => ({
    metric: r.metric_name,
    spanId: r.span_id,
    value: r.value,
    observedAt: r.observed_at,
  }));
}
