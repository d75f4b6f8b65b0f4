import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';
import { parseLinkLimit } from './linkInput.js';

/** An observation of a metric made inside a span, with that span when it is stored. */
export interface ExemplarTrace {
  traceId: string;
  spanId: string;
  /** The observed value (a duration, a size...). */
  value: number;
  observedAt: Date;
  /** The labels of the metric series it was observed in. */
  labels: Record<string, string>;
  /** The span's fields; null when the span is not stored (sampled out, pruned, not yet flushed). */
  serviceName: string | null;
  operationName: string | null;
  durationMs: number | null;
  status: 'unset' | 'ok' | 'error' | null;
}

/** Options of `exemplarTraces`. */
export interface ExemplarTracesOptions {
  metric: string;
  /** Observations at or after this time. */
  from: Date;
  /** Observations at or before this time; must be after `from`. */
  to: Date;
  /** Only series whose labels contain all of these. Default: every series. */
  labels?: Record<string, string>;
  /** Only series of these services (`service.name`), any of them. Default (undefined): every service. */
  services?: readonly string[] | undefined;
  /** Only series whose resource attributes (other than service.name) contain these. Default: any. */
  resource?: Record<string, string>;
  /** At most this many exemplars, 1 to 100. Default: 10. */
  limit?: number;
}

/** A row is flushed at most one flush interval after its observations; an hour covers any interval. */
const FLUSH_SLACK = "interval '1 hour'";
/**
 * How far before the observation its span may have started. Bounding start_time lets the
 * month partitions of `spans` be pruned; a span open for longer than this is reported as not stored.
 */
const SPAN_LOOKBACK = "interval '1 day'";

/** The resource filter without service.name, which is the `service_name` column, not a resource key. */
function resourceAttributes(resource: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(resource ?? {}).filter(([k]) => k !== 'service.name'));
}

function checkOptions(options: ExemplarTracesOptions): void {
  const { metric, from, to, labels, services, resource } = options;
  if (typeof metric !== 'string' || metric === '' || metric.length > 255 || metric.includes('\0'))
    throw new ValidationError('metric must be a name of 1 to 255 characters without NUL');
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime() + to.getTime()))
    throw new ValidationError('from and to must be valid Dates');
  if (from.getTime() >= to.getTime()) throw new ValidationError('from must be before to');
  for (const [key, value] of Object.entries({ ...labels, ...resource }))
    if (typeof value !== 'string')
      throw new ValidationError(`label ${JSON.stringify(key)} must have a string value`);
  if (services !== undefined && (!Array.isArray(services) || services.some((s) => typeof s !== 'string')))
    throw new ValidationError('services must be a list of service names');
}

/**
 * The traces behind a metric's observations in [from, to]: its exemplars (see the `metric_exemplars`
 * view), highest value first, each joined with its span. An exemplar is one trace and span, so a trace
 * appears once per span it was observed in. Reads only rows with exemplars, through
 * `metrics_exemplar_time_idx`.
 */
export async function exemplarTraces(
  db: DatabaseSession,
  options: ExemplarTracesOptions,
): Promise<ExemplarTrace[]> {
  checkOptions(options);
  const limit = parseLinkLimit(options.limit, 10, 100);
  const { rows } = await db.query<{
    trace_id: string;
    span_id: string;
    value: number;
    observed_at: Date;
    labels: Record<string, string>;
    service_name: string | null;
    operation_name: string | null;
    duration_ms: number | null;
    status: ExemplarTrace['status'];
  }>(
    `WITH exemplar AS (
       SELECT DISTINCT ON (trace_id, span_id) trace_id, span_id, value, observed_at, labels
         FROM ${db.table('metric_exemplars')} x
        WHERE metric_name = $1 AND recorded_at >= $2 AND recorded_at < $3::timestamptz + ${FLUSH_SLACK}
          AND observed_at >= $2 AND observed_at <= $3 AND labels @> $4::jsonb
          AND ($6::text[] IS NULL OR service_name = ANY ($6::text[]))
          AND ($7::jsonb = '{}' OR EXISTS (SELECT 1 FROM ${db.table('metric_series')} rs
                WHERE rs.series_id = x.series_id AND rs.resource @> $7::jsonb))
        ORDER BY trace_id, span_id, value DESC
     ), top AS (
       SELECT * FROM exemplar ORDER BY value DESC, trace_id, span_id LIMIT $5
     )
     SELECT top.*, s.service_name, s.operation_name, s.duration_ms, s.status
       FROM top
       LEFT JOIN LATERAL (
         SELECT service_name, operation_name, duration_ms, status FROM ${db.table('spans')} s
          WHERE s.trace_id = top.trace_id AND s.span_id = top.span_id
            AND s.start_time > top.observed_at - ${SPAN_LOOKBACK} AND s.start_time <= top.observed_at + interval '1 minute'
          LIMIT 1) s ON true
      ORDER BY top.value DESC, top.trace_id, top.span_id`,
    [
      options.metric,
      options.from,
      options.to,
      toJsonText(options.labels ?? {}),
      limit,
      options.services ?? null,
      toJsonText(resourceAttributes(options.resource)),
    ],
  );
  return rows.map((r) => ({
    traceId: r.trace_id,
    spanId: r.span_id,
    value: r.value,
    observedAt: r.observed_at,
    labels: r.labels,
    serviceName: r.service_name,
    operationName: r.operation_name,
    durationMs: r.duration_ms,
    status: r.status,
  }));
}
