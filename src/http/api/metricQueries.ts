import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import type { TimeWindow } from './timeWindow.js';

/** One metric as listed: what it is and how many series wrote to it in the window. */
export interface MetricSummary {
  name: string;
  /** Stored type: counter, gauge or histogram. */
  type: string;
  /** The instrument when described (up-down counters are stored as counter deltas), else null. */
  instrument: string | null;
  unit: string;
  description: string;
  /** Distinct label sets seen in the window. */
  seriesCount: number;
  lastRecordedAt: Date | null;
}

/** Metrics with data in the window or a description, by name (at most 2,000). */
export async function listMetrics(tx: DatabaseSession, window: TimeWindow): Promise<MetricSummary[]> {
  const { rows } = await tx.query<MetricSummary>(
    `WITH seen AS (
       SELECT metric_name, min(metric_type) AS metric_type, count(DISTINCT labels) AS series, max(recorded_at) AS last_at
         FROM ${tx.table('metrics')} WHERE recorded_at >= $1 AND recorded_at < $2 GROUP BY metric_name)
     SELECT metric_name AS name,
            coalesce(s.metric_type, CASE d.instrument WHEN 'updowncounter' THEN 'counter' ELSE d.instrument END) AS type,
            d.instrument, coalesce(d.unit, '') AS unit, coalesce(d.description, '') AS description,
            coalesce(s.series, 0)::integer AS "seriesCount", s.last_at AS "lastRecordedAt"
       FROM seen s FULL JOIN ${tx.table('metric_descriptions')} d USING (metric_name)
      ORDER BY metric_name LIMIT 2000`,
    [window.from, window.to],
  );
  return rows;
}

/** One line of a chart: the group's label values and `[epoch ms, value]` points in time order. */
export interface SeriesLine {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export interface SeriesQuery {
  window: TimeWindow;
  stepMs: number;
  /** Only series whose labels contain these. */
  labels: Record<string, string>;
  /** One line per distinct value of these label keys; none: one line for all series. */
  groupBy: string[];
  /** Lines returned at most. */
  maxLines: number;
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
  const { rows } = await tx.query<{
    type: string;
    grp: Record<string, string>;
    bucket: number;
    value: number | null;
  }>(
    `WITH rows AS (
       SELECT metric_type,
              coalesce((SELECT jsonb_object_agg(k, coalesce(labels ->> k, '')) FROM unnest($5::text[]) AS k), '{}'::jsonb) AS grp,
              (floor(extract(epoch FROM recorded_at) * 1000 / $4) * $4)::float8 AS bucket,
              metric_value, sample_count, coalesce(sample_sum, metric_value * sample_count) AS total
         FROM ${tx.table('metrics')}
        WHERE metric_name = $1 AND recorded_at >= $2 AND recorded_at < $3 AND labels @> $6::jsonb
          AND metric_value <> 'NaN'::float8),
     groups AS (
       SELECT grp, count(*) AS n FROM rows GROUP BY grp ORDER BY n DESC, grp::text LIMIT $7)
     SELECT min(r.metric_type) AS type, r.grp, r.bucket,
            CASE min(r.metric_type)
              WHEN 'counter' THEN sum(r.metric_value)
              WHEN 'gauge' THEN avg(r.metric_value)
              ELSE sum(r.total) / nullif(sum(r.sample_count), 0) END AS value
       FROM rows r JOIN groups g ON g.grp = r.grp
      GROUP BY r.grp, r.bucket ORDER BY r.grp::text, r.bucket`,
    [
      name,
      query.window.from,
      query.window.to,
      query.stepMs,
      query.groupBy,
      toJsonText(query.labels),
      query.maxLines + 1,
    ],
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

/**
 * The p-quantiles of a metric per bucket of `stepMs` from `window.from`, by the `metric_percentile_series`
 * SQL function (exact on raw observations, else within 1%). Buckets without data have null values.
 */
export async function metricPercentiles(
  tx: DatabaseSession,
  name: string,
  query: { window: TimeWindow; stepMs: number; labels: Record<string, string>; quantiles: number[] },
): Promise<{ p: number; points: [number, number | null][] }[]> {
  const result: { p: number; points: [number, number | null][] }[] = [];
  for (const p of query.quantiles) {
    const { rows } = await tx.query<{ at: number; value: number | null }>(
      `SELECT (extract(epoch FROM bucket_start) * 1000)::float8 AS at, value
         FROM ${tx.table('metric_percentile_series')}($1, $2, $3, $4, $5 * interval '1 millisecond', $6::jsonb)
        ORDER BY bucket_start`,
      [name, p, query.window.from, query.window.to, query.stepMs, toJsonText(query.labels)],
    );
    result.push({ p, points: rows.map((r) => [r.at, r.value]) });
  }
  return result;
}
