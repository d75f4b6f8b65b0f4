import type { DatabaseSession } from '../../src/db/Database.js';
import { toJsonText } from '../../src/db/jsonText.js';
import { LogSketch } from '../../src/metrics/LogSketch.js';

/** One stored sample of a series, as pgtel's writers store it, for tests that read metrics. */
export interface MetricRowInput {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** The resource's service.name. Default ''. */
  service?: string;
  /** Resource attributes other than service.name. Default none. */
  resource?: Record<string, string>;
  /** Point attributes. Default none. */
  labels?: Record<string, string>;
  at: Date;
  /** Counters and gauges: the value. */
  value?: number;
  /** Histograms: the observations of the interval, stored as a log-bucket sketch with count/sum/min/max. */
  observations?: number[];
  /** Stored exemplars ([{trace_id, span_id, value, observed_at}]). */
  exemplars?: object[];
}

/**
 * Inserts one `metrics` row and its `metric_series` row (if new) with plain SQL, the series id
 * computed by `metric_series_id` in the database.
 */
export async function insertMetricRow(db: DatabaseSession, row: MetricRowInput): Promise<void> {
  const service = row.service ?? '';
  const resource = toJsonText(row.resource ?? {});
  const labels = toJsonText(row.labels ?? {});
  let value = row.value ?? 0;
  let count = 1;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  let keys: number[] | null = null;
  let counts: number[] | null = null;
  if (row.observations) {
    const sketch = new LogSketch();
    for (const v of row.observations) sketch.add(v);
    const buckets = sketch.toBuckets();
    keys = buckets.keys;
    counts = buckets.counts;
    count = row.observations.length;
    sum = row.observations.reduce((a, b) => a + b, 0);
    min = Math.min(...row.observations);
    max = Math.max(...row.observations);
    value = sum / count;
  }
  await db.query(
    `WITH s AS (
       INSERT INTO ${db.table('metric_series')} (series_id, metric_name, service_name, resource, labels)
       VALUES (${db.table('metric_series_id')}($1, $2, $3::jsonb, '', '', $4::jsonb), $1, $2, $3::jsonb, $4::jsonb)
       ON CONFLICT (series_id) DO NOTHING)
     INSERT INTO ${db.table('metrics')} (metric_name, metric_type, metric_value, recorded_at, labels, sample_count,
       sample_sum, sample_min, sample_max, sketch_keys, sketch_counts, exemplars, series_id, service_name, start_time)
     VALUES ($1, $5, $6, $7, $4::jsonb, $8, $9, $10, $11, $12::integer[], $13::bigint[], $14::jsonb,
       ${db.table('metric_series_id')}($1, $2, $3::jsonb, '', '', $4::jsonb), $2,
       CASE WHEN $5 = 'histogram' OR $5 = 'counter' THEN $7::timestamptz - interval '10 seconds' END)`,
    [
      row.name,
      service,
      resource,
      labels,
      row.type,
      value,
      row.at,
      count,
      sum,
      min,
      max,
      keys,
      counts,
      row.exemplars ? toJsonText(row.exemplars) : null,
    ],
  );
}
