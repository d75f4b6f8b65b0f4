import { toJsonText } from '../db/jsonText.js';
import type { Exemplar, SpanIds } from './ExemplarReservoir.js';
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
  'exemplars',
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
  /** JSON text of the stored exemplars, or null when there are none. */
  exemplars: string | null,
];

/**
 * The `exemplars` column: `[{"trace_id", "span_id", "value", "observed_at", "attributes"?}]` as JSON
 * text, or null when there are none.
 */
export function exemplarsJson(exemplars: readonly Exemplar[] | undefined): string | null {
  if (!exemplars || exemplars.length === 0) return null;
  return toJsonText(
    exemplars.map((e) => ({
      trace_id: e.traceId,
      span_id: e.spanId,
      value: e.value,
      observed_at: new Date(e.time).toISOString(),
      ...(e.attributes && Object.keys(e.attributes).length > 0 ? { attributes: e.attributes } : {}),
    })),
  );
}

/** The row of one series for one flush interval. */
export function aggregateRow(
  name: string,
  type: MetricType,
  labels: CanonicalLabels,
  aggregate: IntervalAggregate,
  recordedAt: Date,
  exemplars?: readonly Exemplar[],
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
    exemplarsJson(exemplars),
  ];
}

/**
 * The row of one raw-mode observation: no sketch, so percentiles over it are exact. With the ids of
 * the recorded span it was made in, the row carries it as its exemplar.
 */
export function rawRow(
  name: string,
  type: MetricType,
  labels: CanonicalLabels,
  value: number,
  recordedAt: Date,
  span?: SpanIds,
): MetricRow {
  const exemplar = span && { traceId: span.traceId, spanId: span.spanId, value, time: recordedAt.getTime() };
  return [
    name,
    type,
    value,
    recordedAt,
    labels,
    1,
    value,
    value,
    value,
    null,
    null,
    exemplar ? exemplarsJson([exemplar]) : null,
  ];
}
