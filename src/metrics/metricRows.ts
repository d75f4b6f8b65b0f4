import type { MetricType } from './Instrument.js';
import type { CanonicalLabels } from './labelKey.js';
import type { IntervalAggregate } from './Series.js';

/** Columns of `metrics` written by pgtel, in the order of a `MetricRow`. */
export const METRIC_COLUMNS = [
  'metric_name',
  'metric_type',
  'metric_value',
  'recorded_at',
  'labels',
  'sample_count',
  'sample_sum',
  'sample_min',
  'sample_max',
  'sketch_keys',
  'sketch_counts',
] as const;

/** One `metrics` row, values in `METRIC_COLUMNS` order. */
export type MetricRow = [
  name: string,
  type: MetricType,
  value: number,
  recordedAt: Date,
  labels: CanonicalLabels,
  count: number,
  sum: number | null,
  min: number | null,
  max: number | null,
  sketchKeys: number[] | null,
  sketchCounts: number[] | null,
];

/** The row of one series for one flush interval. */
export function aggregateRow(
  name: string,
  type: MetricType,
  labels: CanonicalLabels,
  aggregate: IntervalAggregate,
  recordedAt: Date,
): MetricRow {
  const buckets = aggregate.sketch?.toBuckets();
  return [
    name,
    type,
    aggregate.value,
    recordedAt,
    labels,
    aggregate.count,
    aggregate.sum,
    aggregate.min,
    aggregate.max,
    buckets?.keys ?? null,
    buckets?.counts ?? null,
  ];
}

/** The row of one raw-mode observation: no sketch, so percentiles over it are exact. */
export function rawRow(
  name: string,
  type: MetricType,
  labels: CanonicalLabels,
  value: number,
  recordedAt: Date,
): MetricRow {
  return [name, type, value, recordedAt, labels, 1, value, value, value, null, null];
}
