import { type Clock, systemClock } from '../clock.js';
import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';
import type { CanonicalLabels, Labels } from './labelKey.js';

/** One stored row of `metrics`. Aggregate rows cover one flush interval of one series. */
export interface MetricRecord {
  id: number;
  name: string;
  value: number;
  type: string;
  recordedAt: Date;
  labels: CanonicalLabels;
  /** Observations the row summarizes (1 for a raw observation). */
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

export interface MetricQueryOptions {
  /** Oldest `recorded_at` included. Default: no bound. */
  start?: Date | undefined;
  /** Newest `recorded_at` included. Default: no bound. */
  end?: Date | undefined;
  /** Only series whose labels contain these. Default: all series. */
  labels?: Labels | undefined;
  /** Rows returned at most (1 to 100,000). Default 1,000. */
  limit?: number | undefined;
}

export interface PercentileOptions {
  /** Window ending now, in hours, when `start` is not given. Default 24. */
  hours?: number | undefined;
  /** Start of the window (inclusive); overrides `hours`. Default: `hours` before now. */
  start?: Date | undefined;
  /** End of the window (exclusive). Default: no bound. */
  end?: Date | undefined;
  /** Only series whose labels contain these. Default: all series. */
  labels?: Labels | undefined;
  /** Source of "now" for `hours`. Default: the system clock. */
  clock?: Clock | undefined;
}

function checkDate(what: string, value: unknown): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new ValidationError(`${what} must be a valid Date`);
  return value;
}

function labelFilter(labels: Labels | undefined): string {
  if (labels === undefined || labels === null) return '{}';
  if (typeof labels !== 'object' || Array.isArray(labels))
    throw new ValidationError('labels must be an object of string values');
  return toJsonText(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])));
}

/** Rows of one metric, newest first; the label filter is containment (`labels @> filter`). */
export async function queryMetrics(
  db: DatabaseSession,
  name: string,
  options: MetricQueryOptions = {},
): Promise<MetricRecord[]> {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ValidationError(`limit must be a whole number from 1 to 100000, got ${limit}`);
  if (typeof name !== 'string') throw new ValidationError('metric name must be a string');
  const { rows } = await db.query<MetricRecord>(
    `SELECT id, metric_name AS name, metric_value AS value, metric_type AS type, recorded_at AS "recordedAt",
            labels, sample_count AS count, sample_sum AS sum, sample_min AS min, sample_max AS max
       FROM ${db.table('metrics')}
      WHERE metric_name = $1 AND ($2::timestamptz IS NULL OR recorded_at >= $2)
        AND ($3::timestamptz IS NULL OR recorded_at <= $3) AND labels @> $4::jsonb
      ORDER BY recorded_at DESC, id DESC LIMIT $5`,
    [
      name,
      checkDate('start', options.start),
      checkDate('end', options.end),
      labelFilter(options.labels),
      limit,
    ],
  );
  return rows;
}

/**
 * The p-quantile (0 <= p <= 1) of a metric over a window, from the database: exact on raw
 * observations, else merged log-bucket sketches within 1% of the exact value. `null` when no data.
 * The window is [start, end), by default the last 24 hours. Runs `metric_percentile` in SQL.
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
  const { rows } = await db.query<{ value: number | null }>(
    `SELECT ${db.table('metric_percentile')}($1, $2, $3, coalesce($4::timestamptz, 'infinity'), $5::jsonb) AS value`,
    [name, p, start, checkDate('end', options.end), labelFilter(options.labels)],
  );
  return rows[0]?.value ?? null;
}
