import type {
  OtlpExemplar,
  OtlpExponentialHistogramDataPoint,
  OtlpHistogramDataPoint,
  OtlpMetric,
} from '../otlp/otlpModel.js';
import type { Exemplar } from './ExemplarReservoir.js';
import type { LogSketch } from './LogSketch.js';
import { metricNameProblem } from './metricName.js';
import { aggregateRow } from './metricRows.js';
import {
  attributeLabels,
  type OtelConversion,
  sketchFromExplicit,
  sketchFromExponential,
} from './otelMetricRows.js';
import { sketchAggregate, valueAggregate } from './Series.js';

function sketchOf(point: OtlpHistogramDataPoint | OtlpExponentialHistogramDataPoint): LogSketch {
  const stats = {
    count: point.count,
    sum: point.sum ?? undefined,
    min: point.min ?? undefined,
    max: point.max ?? undefined,
  };
  if ('explicitBounds' in point) {
    return sketchFromExplicit({
      ...stats,
      buckets: { boundaries: point.explicitBounds, counts: point.bucketCounts },
    });
  }
  const { scale, zeroCount, positive, negative } = point;
  return sketchFromExponential({ ...stats, scale, zeroCount, positive, negative });
}

/** Exemplars kept per received data point. */
const POINT_EXEMPLARS = 8;

/**
 * The exemplars of a received point worth storing: those with a trace and span id and a finite
 * value (the others lead nowhere), highest values first, at most 8, with their filtered attributes.
 * Unset times take the point's.
 */
export function otlpExemplars(exemplars: readonly OtlpExemplar[], pointTime: Date): Exemplar[] {
  const kept: Exemplar[] = [];
  for (const e of exemplars) {
    if (e.traceId === null || e.spanId === null || !Number.isFinite(e.value)) continue;
    const time = e.timeUnixNano === 0n ? pointTime.getTime() : e.time.getTime();
    kept.push({
      traceId: e.traceId,
      spanId: e.spanId,
      value: e.value,
      time,
      attributes: e.filteredAttributes,
    });
  }
  return kept.sort((a, b) => b.value - a.value).slice(0, POINT_EXEMPLARS);
}

const CUMULATIVE_HINT =
  'cumulative histograms are not stored; set OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta';

/**
 * Converts metrics received over OTLP into `metrics` rows, with the same rules as the SDK bridge:
 * delta sums become counter rows, gauges and cumulative sums gauge rows (the running total), delta
 * histograms (explicit or exponential) sketch rows, each with the point's exemplars (see
 * `otlpExemplars`). Cumulative histograms and summaries are skipped and reported, as are points
 * without a finite value. Pure.
 */
export function otlpMetricRows(metrics: readonly OtlpMetric[]): OtelConversion {
  const result: OtelConversion = { rows: [], descriptions: [], skipped: [] };
  for (const metric of metrics) {
    const { name } = metric;
    const skip = (reason: string, points: number) => result.skipped.push({ name, reason, points });
    const problem = metricNameProblem(name);
    if (problem) {
      skip(problem, metric.dataPoints.length);
      continue;
    }
    if (metric.type === 'summary') {
      skip('summaries are not stored; send histograms', metric.dataPoints.length);
      continue;
    }
    const kind =
      metric.type === 'sum'
        ? metric.isMonotonic
          ? 'counter'
          : 'updowncounter'
        : metric.type === 'gauge'
          ? 'gauge'
          : 'histogram';
    result.descriptions.push({ name, kind, unit: metric.unit, description: metric.description, raw: false });
    if (metric.type === 'sum' || metric.type === 'gauge') {
      const type = metric.type === 'sum' && metric.temporality === 'delta' ? 'counter' : 'gauge';
      let refused = 0;
      for (const point of metric.dataPoints) {
        if (point.noRecordedValue) continue;
        if (!Number.isFinite(point.value)) {
          refused++;
          continue;
        }
        result.rows.push(
          aggregateRow(
            name,
            type,
            attributeLabels(point.attributes),
            valueAggregate(point.value),
            point.time,
            otlpExemplars(point.exemplars, point.time),
          ),
        );
      }
      if (refused > 0) skip('value is not a finite number', refused);
      continue;
    }
    if (metric.temporality !== 'delta') {
      skip(CUMULATIVE_HINT, metric.dataPoints.length);
      continue;
    }
    for (const point of metric.dataPoints) {
      if (point.noRecordedValue || point.count === 0) continue;
      const sketch = sketchOf(point);
      if (sketch.count === 0) continue;
      result.rows.push(
        aggregateRow(
          name,
          'histogram',
          attributeLabels(point.attributes),
          sketchAggregate(sketch),
          point.time,
          otlpExemplars(point.exemplars, point.time),
        ),
      );
    }
  }
  return result;
}
