import { toJsonText } from '../db/jsonText.js';
import type { Exemplar, SpanIds } from './ExemplarReservoir.js';
import type { MetricType } from './Instrument.js';
import type { IntervalAggregate } from './Series.js';
import type { StoredSeries } from './StoredSeries.js';

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
  'series_id',
  'service_name',
  'start_time',
  'bucket_bounds',
  'bucket_counts',
] as const;

/** One `metrics` row, values in `METRIC_COLUMNS` order. */
export type MetricRow = [
  name: string,
  type: MetricType,
  value: number,
  recordedAt: Date,
  labels: Readonly<Record<string, string>>,
  count: number,
  sum: number | null,
  min: number | null,
  max: number | null,
  sketchKeys: number[] | null,
  sketchCounts: number[] | null,
  /** JSON text of the stored exemplars, or null when there are none. */
  exemplars: string | null,
  /** `seriesId()` of the row's series. */
  seriesId: string,
  serviceName: string,
  /** Start of the interval the row covers; null for a raw observation. */
  startTime: Date | null,
  /** An explicit-bucket histogram's upper bounds as received (the last bucket is +Inf, unlisted). */
  bucketBounds: readonly number[] | null,
  /** Its observations per bucket in the interval, one more than `bucketBounds`. */
  bucketCounts: readonly number[] | null,
];

/** Columns of a Prometheus sample row: a `MetricRow`'s and whether it is a staleness marker. */
export const SAMPLE_COLUMNS = [...METRIC_COLUMNS, 'stale'] as const;

/** One `metrics` row of type 'sample' (a raw Prometheus sample), values in `SAMPLE_COLUMNS` order. */
export type SampleRow = [
  name: string,
  type: 'sample',
  value: number,
  recordedAt: Date,
  labels: Readonly<Record<string, string>>,
  count: 1,
  sum: null,
  min: null,
  max: null,
  sketchKeys: null,
  sketchCounts: null,
  exemplars: string | null,
  seriesId: string,
  serviceName: string,
  startTime: null,
  bucketBounds: null,
  bucketCounts: null,
  /** A staleness marker (its value is NaN); a real NaN sample is not one. */
  stale: boolean,
];

/** The `metrics` row of one raw sample of a stored series (no exemplars, no service). Pure. */
export function sampleRow(
  series: { id: string; name: string; labels: Readonly<Record<string, string>> },
  value: number,
  at: Date,
  stale: boolean,
): SampleRow {
  return [
    series.name,
    'sample',
    value,
    at,
    series.labels,
    1,
    null,
    null,
    null,
    null,
    null,
    null,
    series.id,
    '',
    null,
    null,
    null,
    stale,
  ];
}

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

/**
 * The row of one series for the interval from `startTime` to `recordedAt`; an explicit-bucket
 * histogram keeps its buckets (`explicit`) beside the sketch made of them.
 */
export function aggregateRow(
  series: StoredSeries,
  type: MetricType,
  aggregate: IntervalAggregate,
  recordedAt: Date,
  startTime: Date | null,
  exemplars?: readonly Exemplar[],
  explicit?: { readonly boundaries: readonly number[]; readonly counts: readonly number[] },
): MetricRow {
  const buckets = aggregate.sketch?.toBuckets();
  return [
    series.name,
    type,
    aggregate.value,
    recordedAt,
    series.labels,
    aggregate.count,
    aggregate.sum,
    aggregate.min,
    aggregate.max,
    buckets?.keys ?? null,
    buckets?.counts ?? null,
    exemplarsJson(exemplars),
    series.id,
    series.serviceName,
    startTime,
    explicit?.boundaries ?? null,
    explicit?.counts ?? null,
  ];
}

/**
 * The row of one raw-mode observation: no sketch, so percentiles over it are exact. With the ids of
 * the recorded span it was made in, the row carries it as its exemplar.
 */
export function rawRow(
  series: StoredSeries,
  type: MetricType,
  value: number,
  recordedAt: Date,
  span?: SpanIds,
): MetricRow {
  const exemplar = span && { traceId: span.traceId, spanId: span.spanId, value, time: recordedAt.getTime() };
  return [
    series.name,
    type,
    value,
    recordedAt,
    series.labels,
    1,
    value,
    value,
    value,
    null,
    null,
    exemplar ? exemplarsJson([exemplar]) : null,
    series.id,
    series.serviceName,
    null,
    null,
    null,
  ];
}
