import { type Clock, systemClock } from '../clock.js';
import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';
import type { CanonicalLabels, Labels } from './labelKey.js';
import {
  groupObjectSql,
  needsSeriesJoin,
  normalizeServices,
  SERVICE_KEY,
  type SeriesFilter,
  seriesFilterSql,
} from './SeriesFilter.js';

// The one read path of stored metrics: the library (`queryMetrics`, `getPercentile`) and the JSON
// API (and so the CLI and the dashboard: the list, the series of a chart, percentiles over time).

/** One stored row of `metrics`. Aggregate rows cover one flush interval of one series. */
export interface MetricRecord {
  id: number;
  name: string;
  value: number;
  type: string;
  recordedAt: Date;
  labels: CanonicalLabels;
  /** The resource's `service.name` ('' when unknown). */
  serviceName: string;
  /** Observations the row summarizes (1 for a raw observation). */
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

/** Filters of `queryMetrics`. */
export interface MetricQueryOptions {
  /** Oldest `recorded_at` included. Default: no bound. */
  start?: Date | undefined;
  /** Newest `recorded_at` included. Default: no bound. */
  end?: Date | undefined;
  /** Only series whose labels contain these. Default: all series. */
  labels?: Labels | undefined;
  /** Only series of this service (`service.name`), or of any of these. Default: every service. */
  service?: string | readonly string[] | undefined;
  /** Only series whose resource attributes contain these (`service.name` included). Default: any. */
  resource?: Readonly<Record<string, string>> | undefined;
  /** Rows returned at most (1 to 100,000). Default 1,000. */
  limit?: number | undefined;
}

/** Window and filters of `getPercentile`. */
export interface PercentileOptions {
  /** Window ending now, in hours, when `start` is not given. Default 24. */
  hours?: number | undefined;
  /** Start of the window (inclusive); overrides `hours`. Default: `hours` before now. */
  start?: Date | undefined;
  /** End of the window (exclusive). Default: no bound. */
  end?: Date | undefined;
  /** Only series whose labels contain these. Default: all series. */
  labels?: Labels | undefined;
  /**
   * Only series of this service (`service.name`), or of any of these (their observations merged).
   * Default: every service.
   */
  service?: string | readonly string[] | undefined;
  /** Only series whose resource attributes contain these (`service.name` included). Default: any. */
  resource?: Readonly<Record<string, string>> | undefined;
  /** Source of "now" for `hours`. Default: the system clock. */
  clock?: Clock | undefined;
}

function checkDate(what: string, value: unknown): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new ValidationError(`${what} must be a valid Date`);
  return value;
}

function stringMap(what: string, labels: Labels | undefined): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels))
    throw new ValidationError(`${what} must be an object of string values`);
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

/** The series filter of the options, checked. */
function seriesFilter(options: MetricQueryOptions | PercentileOptions): SeriesFilter {
  const resource = stringMap('resource', options.resource);
  return {
    labels: stringMap('labels', options.labels),
    services: normalizeServices(options.service, resource),
    resource: Object.fromEntries(Object.entries(resource).filter(([k]) => k !== SERVICE_KEY)),
  };
}

/**
 * Rows of one metric, newest first; the label filter is containment (`labels @> filter`), the service
 * filter matches `service_name`, the resource filter the series' resource attributes.
 */
export async function queryMetrics(
  db: DatabaseSession,
  name: string,
  options: MetricQueryOptions = {},
): Promise<MetricRecord[]> {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ValidationError(`limit must be a whole number from 1 to 100000, got ${limit}`);
  if (typeof name !== 'string') throw new ValidationError('metric name must be a string');
  const params: unknown[] = [name, checkDate('start', options.start), checkDate('end', options.end), limit];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const filter = seriesFilterSql(seriesFilter(options), 'm', param, (t) => db.table(t));
  const { rows } = await db.query<MetricRecord>(
    `SELECT m.id, m.metric_name AS name, m.metric_value AS value, m.metric_type AS type, m.recorded_at AS "recordedAt",
            m.labels, m.service_name AS "serviceName", m.sample_count AS count, m.sample_sum AS sum,
            m.sample_min AS min, m.sample_max AS max
       FROM ${db.table('metrics')} m
      WHERE m.metric_name = $1 AND ($2::timestamptz IS NULL OR m.recorded_at >= $2)
        AND ($3::timestamptz IS NULL OR m.recorded_at <= $3)${filter}
      ORDER BY m.recorded_at DESC, m.id DESC LIMIT $4`,
    params,
  );
  return rows;
}

/**
 * The p-quantile (0 <= p <= 1) of a metric over a window, from the database: exact on raw
 * observations, else merged log-bucket sketches within 1% of the exact value. `null` when no data.
 * The window is [start, end), by default the last 24 hours. Runs `metric_percentile_filtered` in SQL.
 */
export async function getPercentile(
  db: DatabaseSession,
  name: string,
  p: number,
  options: PercentileOptions = {},
): Promise<number | null> {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new ValidationError(`percentile must be between 0 and 1, got ${String(p)}`);
  const hours = options.hours ?? 24;
  if (typeof hours !== 'number' || !(hours > 0) || !Number.isFinite(hours))
    throw new ValidationError(`hours must be a positive number, got ${String(hours)}`);
  const now = (options.clock ?? systemClock).now();
  const start = checkDate('start', options.start) ?? new Date(now - hours * 3_600_000);
  const filter = seriesFilter(options);
  const { rows } = await db.query<{ value: number | null }>(
    `SELECT ${db.table('metric_percentile_filtered')}($1, $2, $3, coalesce($4::timestamptz, 'infinity'), $5::jsonb,
       $6::text[], $7::jsonb) AS value`,
    [
      name,
      p,
      start,
      checkDate('end', options.end),
      toJsonText(filter.labels),
      filter.services ?? null,
      toJsonText(filter.resource),
    ],
  );
  return rows[0]?.value ?? null;
}

/** One metric as listed: what it is and how many series wrote to it in the window. */
export interface MetricSummary {
  name: string;
  /** Stored type: counter, gauge or histogram. */
  type: string;
  /** The instrument when described (up-down counters are stored as counter deltas), else null. */
  instrument: string | null;
  unit: string;
  description: string;
  /** Distinct series (service, resource, scope and labels) seen in the window. */
  seriesCount: number;
  /** The services (`service.name`, '' when unknown) that wrote it in the window, sorted. */
  services: string[];
  lastRecordedAt: Date | null;
}

/**
 * Metrics with data in the window or a description, by name (at most 2,000). With `services`, only
 * the metrics those services wrote in the window, counted over their series only.
 */
export async function listMetrics(
  tx: DatabaseSession,
  window: { from: Date; to: Date },
  services?: readonly string[],
): Promise<MetricSummary[]> {
  const { rows } = await tx.query<MetricSummary>(
    `WITH seen AS (
       SELECT metric_name, min(metric_type) AS metric_type, count(DISTINCT series_id) AS series, max(recorded_at) AS last_at,
              array_agg(DISTINCT service_name ORDER BY service_name) AS services
         FROM ${tx.table('metrics')} WHERE recorded_at >= $1 AND recorded_at < $2
          AND ($3::text[] IS NULL OR service_name = ANY ($3::text[]))
        GROUP BY metric_name)
     SELECT metric_name AS name,
            coalesce(s.metric_type, CASE d.instrument WHEN 'updowncounter' THEN 'counter' ELSE d.instrument END) AS type,
            d.instrument, coalesce(d.unit, '') AS unit, coalesce(d.description, '') AS description,
            coalesce(s.series, 0)::integer AS "seriesCount", coalesce(s.services, '{}') AS services,
            s.last_at AS "lastRecordedAt"
       FROM seen s ${services === undefined ? 'FULL' : 'LEFT'} JOIN ${tx.table('metric_descriptions')} d USING (metric_name)
      ORDER BY metric_name LIMIT 2000`,
    [window.from, window.to, services ?? null],
  );
  return rows;
}

/** One line of a chart: the group's label values and `[epoch ms, value]` points in time order. */
export interface SeriesLine {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export interface SeriesQuery extends SeriesFilter {
  window: { from: Date; to: Date };
  stepMs: number;
  /**
   * One line per distinct value of these keys: point label keys, `service.name` (the service column)
   * and `resource.<key>` (a resource attribute); none: one line for all series.
   */
  groupBy: string[];
  /** Lines returned at most. */
  maxLines: number;
}

/** Placeholders numbered after the `fixed` parameters, with the parameter list they fill. */
function paramList(fixed: unknown[]) {
  const params = [...fixed];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { params, param };
}

/**
 * A metric per time bucket of `stepMs` (buckets aligned to the epoch): counters the sum of their
 * deltas, gauges the average value, histograms the mean observation. Lines beyond `maxLines`
 * (the groups with the fewest rows) are left out; `truncated` says so.
 */
export async function metricSeries(
  tx: DatabaseSession,
  name: string,
  query: SeriesQuery,
): Promise<{ type: string | null; lines: SeriesLine[]; truncated: boolean }> {
  const { params, param } = paramList([
    name,
    query.window.from,
    query.window.to,
    query.stepMs,
    query.maxLines + 1,
  ]);
  const table = (object: string) => tx.table(object);
  const grp = groupObjectSql(query.groupBy, 'm', 's', param);
  const join = needsSeriesJoin(query.groupBy)
    ? `LEFT JOIN ${tx.table('metric_series')} s ON s.series_id = m.series_id`
    : '';
  const { rows } = await tx.query<{
    type: string;
    grp: Record<string, string>;
    bucket: number;
    value: number | null;
  }>(
    `WITH rows AS (
       SELECT m.metric_type, ${grp} AS grp,
              (floor(extract(epoch FROM m.recorded_at) * 1000 / $4) * $4)::float8 AS bucket,
              m.metric_value, m.sample_count, coalesce(m.sample_sum, m.metric_value * m.sample_count) AS total
         FROM ${tx.table('metrics')} m ${join}
        WHERE m.metric_name = $1 AND m.recorded_at >= $2 AND m.recorded_at < $3
          AND m.metric_value <> 'NaN'::float8${seriesFilterSql(query, 'm', param, table)}),
     groups AS (
       SELECT grp, count(*) AS n FROM rows GROUP BY grp ORDER BY n DESC, grp::text LIMIT $5)
     SELECT min(r.metric_type) AS type, r.grp, r.bucket,
            CASE min(r.metric_type)
              WHEN 'counter' THEN sum(r.metric_value)
              WHEN 'gauge' THEN avg(r.metric_value)
              ELSE sum(r.total) / nullif(sum(r.sample_count), 0) END AS value
       FROM rows r JOIN groups g ON g.grp = r.grp
      GROUP BY r.grp, r.bucket ORDER BY r.grp::text, r.bucket`,
    params,
  );
  const lines = new Map<string, SeriesLine>();
  for (const row of rows) {
    const key = JSON.stringify(row.grp);
    let line = lines.get(key);
    if (!line) {
      line = { labels: row.grp, points: [] };
      lines.set(key, line);
    }
    line.points.push([row.bucket, row.value]);
  }
  const all = [...lines.values()];
  return {
    type: rows[0]?.type ?? null,
    lines: all.slice(0, query.maxLines),
    truncated: all.length > query.maxLines,
  };
}

/** One percentile line: `labels` is `{ "service.name": ... }` when grouped by service, else `{}`. */
export interface PercentileLine {
  p: number;
  labels: Record<string, string>;
  points: [number, number | null][];
}

/** Services a percentile chart is split into at most. */
export const MAX_PERCENTILE_SERVICES = 10;

/**
 * The p-quantiles of a metric per bucket of `stepMs` from `window.from`, by the
 * `metric_percentile_filtered` SQL function (exact on raw observations, else within 1%) over the
 * series of the filter, merged; with `byService`, one set of lines per service that wrote the
 * metric in the window (at most MAX_PERCENTILE_SERVICES, by name; `truncated` says when more).
 * Buckets without data have null values.
 */
export async function metricPercentiles(
  tx: DatabaseSession,
  name: string,
  query: SeriesFilter & {
    window: { from: Date; to: Date };
    stepMs: number;
    quantiles: number[];
    byService?: boolean;
  },
): Promise<{ series: PercentileLine[]; truncated: boolean }> {
  const services = normalizeServices(query.services, query.resource);
  const resource = Object.fromEntries(
    Object.entries(query.resource ?? {}).filter(([k]) => k !== SERVICE_KEY),
  );
  let groups: { labels: Record<string, string>; services: string[] | undefined }[] = [
    { labels: {}, services },
  ];
  let truncated = false;
  if (query.byService) {
    const { params, param } = paramList([
      name,
      query.window.from,
      query.window.to,
      MAX_PERCENTILE_SERVICES + 1,
    ]);
    const filter = seriesFilterSql({ ...query, services }, 'm', param, (t) => tx.table(t));
    const { rows } = await tx.query<{ service_name: string }>(
      `SELECT DISTINCT m.service_name FROM ${tx.table('metrics')} m
        WHERE m.metric_name = $1 AND m.recorded_at >= $2 AND m.recorded_at < $3${filter}
        ORDER BY 1 LIMIT $4`,
      params,
    );
    truncated = rows.length > MAX_PERCENTILE_SERVICES;
    groups = rows
      .slice(0, MAX_PERCENTILE_SERVICES)
      .map((r) => ({ labels: { [SERVICE_KEY]: r.service_name }, services: [r.service_name] }));
  }
  const series: PercentileLine[] = [];
  for (const group of groups) {
    for (const p of query.quantiles) {
      const { rows } = await tx.query<{ at: number; value: number | null }>(
        `SELECT (extract(epoch FROM b) * 1000)::float8 AS at,
                ${tx.table('metric_percentile_filtered')}($1, $2, b, least(b + $5 * interval '1 millisecond', $4),
                  $6::jsonb, $7::text[], $8::jsonb) AS value
           FROM generate_series($3::timestamptz, $4::timestamptz - interval '1 microsecond', $5 * interval '1 millisecond') AS b
          ORDER BY b`,
        [
          name,
          p,
          query.window.from,
          query.window.to,
          query.stepMs,
          toJsonText(query.labels ?? {}),
          group.services ?? null,
          toJsonText(resource),
        ],
      );
      series.push({ p, labels: group.labels, points: rows.map((r) => [r.at, r.value]) });
    }
  }
  return { series, truncated };
}
