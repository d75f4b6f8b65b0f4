import { type Clock, systemClock } from '../clock.js';
import type { Database, DatabaseSession } from '../db/Database.js';

/** Options of `rollupMetrics`. */
export interface RollupOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock | undefined;
  /** An hour is rolled up once it ended this long ago (late flushes land first). Default 120,000 ms. */
  graceMs?: number | undefined;
  /** Hours looked back for ones not yet rolled up. Default 48. */
  lookbackHours?: number | undefined;
}

/** What `rollupMetrics` rolled up. */
export interface RollupReport {
  /** Hours rolled up (or rolled again after late rows) by this call. */
  rolled: Date[];
  /** Series rows written to `metrics_hourly`. */
  series: number;
}

const HOUR_MS = 3_600_000;
/** Exemplars an hourly row keeps: the hour's highest values. */
const HOURLY_EXEMPLARS = 8;

/**
 * Every hour (UTC) in one statement: stats per series (name, service and labels from `metric_series`), sketches merged from sketch and raw rows, the
 * hour's highest-valued exemplars.
 */
function rollupSql(db: DatabaseSession): string {
  return `
WITH rows AS (
  -- Staleness markers end a Prometheus series; they are no value to aggregate.
  SELECT * FROM ${db.table('metrics')} WHERE recorded_at >= $1 AND recorded_at < $1 + interval '1 hour' AND NOT stale
), buckets AS (
  SELECT series_id, metric_type, k, sum(c)::bigint AS c FROM (
    SELECT r.series_id, r.metric_type, u.k, u.c
      FROM rows r CROSS JOIN LATERAL unnest(r.sketch_keys, r.sketch_counts) AS u(k, c)
     WHERE r.metric_type = 'histogram'
    UNION ALL
    SELECT series_id, metric_type, ${db.table('metric_bucket_key')}(metric_value), sample_count
      FROM rows WHERE metric_type = 'histogram' AND sketch_keys IS NULL
  ) x WHERE k IS NOT NULL GROUP BY 1, 2, 3
), sketches AS (
  SELECT series_id, metric_type, array_agg(k ORDER BY k) AS keys, array_agg(c ORDER BY k) AS counts
    FROM buckets GROUP BY 1, 2
), stats AS (
  SELECT series_id, metric_type,
         sum(metric_value) AS total,
         (array_agg(metric_value ORDER BY recorded_at DESC, id DESC))[1] AS last_value,
         sum(sample_count) AS n,
         sum(coalesce(sample_sum, metric_value * sample_count)) AS value_sum,
         min(coalesce(sample_min, metric_value)) AS value_min,
         max(coalesce(sample_max, metric_value)) AS value_max,
         coalesce(sum(sample_count) FILTER (WHERE sketch_keys IS NULL), 0) AS raw_count
    FROM rows GROUP BY 1, 2
), exemplars AS (
  SELECT series_id, metric_type, jsonb_agg(e ORDER BY v DESC) AS exemplars FROM (
    SELECT r.series_id, r.metric_type, x.e, (x.e->>'value')::float8 AS v,
           row_number() OVER (PARTITION BY r.series_id, r.metric_type ORDER BY (x.e->>'value')::float8 DESC) AS n
      FROM rows r CROSS JOIN LATERAL jsonb_array_elements(r.exemplars) AS x(e)
     WHERE r.exemplars IS NOT NULL
  ) ranked WHERE n <= ${HOURLY_EXEMPLARS} GROUP BY 1, 2
)
INSERT INTO ${db.table('metrics_hourly')} (series_id, metric_name, service_name, metric_type, labels, hour,
  metric_value, sample_count, sample_sum, sample_min, sample_max, raw_count, sketch_keys, sketch_counts, exemplars)
SELECT s.series_id, ms.metric_name, ms.service_name, s.metric_type, ms.labels, $1,
       CASE s.metric_type WHEN 'counter' THEN s.total WHEN 'gauge' THEN s.last_value
            ELSE s.value_sum / nullif(s.n, 0) END,
       s.n, s.value_sum, s.value_min, s.value_max, s.raw_count, k.keys, k.counts, e.exemplars
  FROM stats s JOIN ${db.table('metric_series')} ms USING (series_id)
  LEFT JOIN sketches k USING (series_id, metric_type)
  LEFT JOIN exemplars e USING (series_id, metric_type)`;
}

/** Rolls up one hour unless another process holds it or it is already done; returns series written. */
async function rollupHour(tx: DatabaseSession, hour: Date): Promise<number | undefined> {
  const lock = await tx.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
    [`pgtel:rollup:${tx.schema}:${hour.toISOString()}`],
  );
  if (!lock.rows[0]?.locked) return undefined;
  // Lock the hour's marker before reading rows: a writer marking it dirty waits for us, then re-marks it.
  const marker = await tx.query<{ state: string }>(
    `INSERT INTO ${tx.table('metric_rollup_hours')} AS h (hour, state) VALUES ($1, 'dirty')
     ON CONFLICT (hour) DO UPDATE SET state = h.state RETURNING state`,
    [hour],
  );
  if (marker.rows[0]?.state === 'done') return undefined;
  await tx.query(`DELETE FROM ${tx.table('metrics_hourly')} WHERE hour = $1`, [hour]);
  const inserted = await tx.query(rollupSql(tx), [hour]);
  await tx.query(
    `UPDATE ${tx.table('metric_rollup_hours')} SET state = 'done', rolled_at = now(), series = $2 WHERE hour = $1`,
    [hour, inserted.rowCount],
  );
  return inserted.rowCount;
}

/**
 * Maintains `metrics_hourly`: rolls up every hour that ended at least `graceMs` ago within the
 * lookback and is not rolled up yet, and every hour marked dirty by late rows. Safe from many
 * processes at once: each hour is claimed with a transaction-scoped advisory lock (skipped when
 * another process holds it) and its marker row lock; one transaction per hour.
 */
export async function rollupMetrics(db: Database, options: RollupOptions = {}): Promise<RollupReport> {
  const now = (options.clock ?? systemClock).now();
  const lastHour = Math.floor((now - (options.graceMs ?? 120_000)) / HOUR_MS) * HOUR_MS - HOUR_MS;
  const firstHour = lastHour - ((options.lookbackHours ?? 48) - 1) * HOUR_MS;
  const { rows } = await db.query<{ hour: Date }>(
    `SELECT g AS hour FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 hour') AS g
      WHERE NOT EXISTS (SELECT 1 FROM ${db.table('metric_rollup_hours')} h WHERE h.hour = g AND h.state = 'done')
     UNION
     SELECT hour FROM ${db.table('metric_rollup_hours')} WHERE state = 'dirty' AND hour <= $2
     ORDER BY 1`,
    [new Date(firstHour), new Date(lastHour)],
  );
  const report: RollupReport = { rolled: [], series: 0 };
  for (const { hour } of rows) {
    const series = await db.transaction((tx) => rollupHour(tx, hour));
    if (series === undefined) continue;
    report.rolled.push(hour);
    report.series += series;
  }
  return report;
}
