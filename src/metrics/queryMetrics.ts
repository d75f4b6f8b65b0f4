import { type Clock, systemClock } from '../clock.js';
import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';
import type { CanonicalLabels, Labels } from './labelKey.js';
import { normalizeServices, SERVICE_KEY, type SeriesFilter, seriesFilterSql } from './SeriesFilter.js';

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
