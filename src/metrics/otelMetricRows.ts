import type { HrTime } from '@opentelemetry/api';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricDescription } from './describeMetrics.js';
import { bucketKey, LogSketch } from './LogSketch.js';
import type { CanonicalLabels } from './labelKey.js';
import { metricNameProblem } from './metricName.js';
import { aggregateRow, type MetricRow } from './metricRows.js';
import { sketchAggregate, valueAggregate } from './Series.js';

// Numeric values of the SDK's enums, so that this file needs no runtime import of the (optional) SDK.
const HISTOGRAM = 0; // EXPONENTIAL_HISTOGRAM = 1
const GAUGE = 2;
const SUM = 3;
const DELTA = 0;

type ExplicitHistogram = {
  buckets: { boundaries: number[]; counts: number[] };
  sum?: number;
  count: number;
  min?: number;
  max?: number;
};
type ExponentialHistogram = {
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  min?: number;
  max?: number;
};

/** Rows and descriptions converted from one export, and what could not be converted (with why). */
export interface OtelConversion {
  rows: MetricRow[];
  descriptions: MetricDescription[];
  skipped: { name: string; reason: string; points: number }[];
}

const toDate = (time: HrTime) => new Date(time[0] * 1000 + time[1] / 1e6);

/** Attributes as stored labels: sorted keys, strings kept, other values as JSON text, nulls left out. */
export function attributeLabels(attributes: Readonly<Record<string, unknown>>): CanonicalLabels {
  const labels: CanonicalLabels = {};
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    labels[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return labels;
}

const clamp = (value: number, min: number | undefined, max: number | undefined) =>
  Math.min(max ?? value, Math.max(min ?? value, value));

/** Sketch of an explicit-bucket histogram: each bucket's count at the middle of its (clamped) bounds. */
export function sketchFromExplicit(h: ExplicitHistogram): LogSketch {
  const sketch = new LogSketch();
  const { boundaries, counts } = h.buckets;
  counts.forEach((count, i) => {
    if (count <= 0) return;
    const low = i === 0 ? (h.min ?? boundaries[0]!) : Math.max(boundaries[i - 1]!, h.min ?? -Infinity);
    const high =
      i === boundaries.length ? (h.max ?? boundaries[i - 1]!) : Math.min(boundaries[i]!, h.max ?? Infinity);
    sketch.addBucket(bucketKey(clamp((low + high) / 2, h.min, h.max)), count);
  });
  return withExactStats(sketch, h);
}

/** Sketch of an exponential histogram: each bucket's count at its geometric middle. */
export function sketchFromExponential(h: ExponentialHistogram): LogSketch {
  const sketch = new LogSketch();
  const lnBase = Math.LN2 * 2 ** -h.scale;
  const add = (sign: number, offset: number, counts: number[]) =>
    counts.forEach((count, i) => {
      const middle = sign * Math.exp((offset + i + 0.5) * lnBase);
      if (count > 0) sketch.addBucket(bucketKey(clamp(middle, h.min, h.max)), count);
    });
  sketch.addBucket(0, h.zeroCount);
  add(1, h.positive.offset, h.positive.bucketCounts);
  add(-1, h.negative.offset, h.negative.bucketCounts);
  return withExactStats(sketch, h);
}

function withExactStats(sketch: LogSketch, h: { sum?: number; min?: number; max?: number }): LogSketch {
  if (h.sum !== undefined) sketch.sum = h.sum;
  if (h.min !== undefined) sketch.min = h.min;
  if (h.max !== undefined) sketch.max = h.max;
  return sketch;
}

function kindOf(metric: MetricData): MetricDescription['kind'] {
  if (metric.dataPointType === SUM)
    return 'isMonotonic' in metric && metric.isMonotonic ? 'counter' : 'updowncounter';
  return metric.dataPointType === GAUGE ? 'gauge' : 'histogram';
}

/**
 * Converts OpenTelemetry metric data into `metrics` rows: delta sums become counter rows, gauges and
 * cumulative sums gauge rows, delta histograms (explicit-bucket or exponential) sketch rows. Pure.
 * Cumulative histograms and non-finite values are skipped and reported.
 */
export function otelMetricRows(resourceMetrics: ResourceMetrics): OtelConversion {
  const result: OtelConversion = { rows: [], descriptions: [], skipped: [] };
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const name = metric.descriptor.name;
      const skip = (reason: string, points: number) => result.skipped.push({ name, reason, points });
      const problem = metricNameProblem(name);
      if (problem) {
        skip(problem, metric.dataPoints.length);
        continue;
      }
      const kind = kindOf(metric);
      const { unit, description } = metric.descriptor;
      result.descriptions.push({ name, kind, unit, description, raw: false });
      const delta = metric.aggregationTemporality === DELTA;
      let refused = 0;
      for (const point of metric.dataPoints) {
        const at = toDate(point.endTime);
        const labels = attributeLabels(point.attributes);
        if (metric.dataPointType === SUM || metric.dataPointType === GAUGE) {
          const value = point.value as number;
          if (!Number.isFinite(value)) {
            refused++;
            continue;
          }
          const type = metric.dataPointType === SUM && delta ? 'counter' : 'gauge';
          result.rows.push(aggregateRow(name, type, labels, valueAggregate(value), at));
          continue;
        }
        if (!delta) {
          refused++;
          continue;
        }
        const sketch =
          metric.dataPointType === HISTOGRAM
            ? sketchFromExplicit(point.value as ExplicitHistogram)
            : sketchFromExponential(point.value as ExponentialHistogram);
        if (sketch.count === 0) continue;
        result.rows.push(aggregateRow(name, 'histogram', labels, sketchAggregate(sketch), at));
      }
      if (refused > 0)
        skip(
          metric.dataPointType === SUM || metric.dataPointType === GAUGE
            ? 'value is not a finite number'
            : 'cumulative histograms are not stored; use delta temporality',
          refused,
        );
    }
  }
  return result;
}
