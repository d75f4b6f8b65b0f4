import type {
  OtlpExemplar,
  OtlpExponentialHistogramDataPoint,
  OtlpHistogramDataPoint,
  OtlpMetric,
  OtlpResource,
  OtlpScope,
} from '../otlp/otlpModel.js';
import { checkTimeWindow, type TimeWindow } from '../otlp/timeWindow.js';
import { attributeLabels } from './attributeLabels.js';
import type { CumulativePoint, CumulativeValue } from './cumulativeToDelta.js';
import type { MetricDescription } from './describeMetrics.js';
import type { Exemplar } from './ExemplarReservoir.js';
import { sketchFromExplicit, sketchFromExponential } from './histogramSketch.js';
import type { InstrumentKind } from './Instrument.js';
import { metricNameProblem } from './metricName.js';
import { aggregateRow, type MetricRow } from './metricRows.js';
import { sketchAggregate, valueAggregate } from './Series.js';
import { SeriesCache } from './SeriesCache.js';
import { type SeriesOrigin, type StoredSeries, storedSeries } from './StoredSeries.js';

/** Received metrics as pgtel stores them, and what could not be stored (with why). */
export interface MetricConversion {
  /** Rows ready to store: gauges, delta sums and delta histograms. */
  rows: MetricRow[];
  /** Cumulative points, stored as deltas against each series' previous point (`cumulativeToDelta`). */
  cumulative: CumulativePoint[];
  /** Every series of `rows` and `cumulative`, by id. */
  series: Map<string, StoredSeries>;
  descriptions: MetricDescription[];
  skipped: { name: string; reason: string; points: number }[];
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

/**
 * The instrument a received metric is: monotonic sums are counters, other sums up-down counters.
 * Undefined for summaries, which pgtel does not store.
 */
export function otlpInstrumentKind(metric: OtlpMetric): InstrumentKind | undefined {
  switch (metric.type) {
    case 'sum':
      return metric.isMonotonic ? 'counter' : 'updowncounter';
    case 'gauge':
      return 'gauge';
    case 'summary':
      return undefined;
    default:
      return 'histogram';
  }
}

/** Where a metric's series come from: service.name on its own, the other resource attributes, the scope. */
function originOf(resource: OtlpResource, scope: OtlpScope, name: string): SeriesOrigin {
  const { 'service.name': _service, ...others } = resource.attributes;
  return {
    name,
    serviceName: resource.serviceName,
    resource: attributeLabels(others),
    scopeName: scope.name,
    scopeVersion: scope.version,
  };
}

function histogramValue(
  point: OtlpHistogramDataPoint | OtlpExponentialHistogramDataPoint,
): Exclude<CumulativeValue, { kind: 'sum' }> {
  const stats = {
    count: point.count,
    sum: point.sum ?? undefined,
    min: point.min ?? undefined,
    max: point.max ?? undefined,
  };
  if ('explicitBounds' in point) {
    return { kind: 'explicit', ...stats, boundaries: point.explicitBounds, counts: point.bucketCounts };
  }
  const { scale, zeroCount, positive, negative } = point;
  return { kind: 'exponential', ...stats, scale, zeroCount, positive, negative };
}

const startOf = (point: { startTimeUnixNano: bigint; startTime: Date }) =>
  point.startTimeUnixNano === 0n ? null : point.startTime;

/**
 * The start stored with a received point: its own, or its time when it has none (gauges), so that
 * (series, time, start) identifies every received point and a resend is recognised.
 */
const keyStart = (point: { startTimeUnixNano: bigint; startTime: Date; time: Date }) =>
  startOf(point) ?? point.time;

/** Start, time and whether the total counts from the start, for a cumulative point. */
const cumulativeTimes = (point: {
  startTimeUnixNano: bigint;
  startTime: Date;
  timeUnixNano: bigint;
  time: Date;
}) => ({
  startTime: startOf(point),
  time: point.time,
  countsFromStart: point.startTimeUnixNano !== 0n && point.startTimeUnixNano <= point.timeUnixNano,
});

/**
 * Converts received metrics (OTLP, or the OpenTelemetry SDK's export mapped to the same model) into
 * the one metric model: each point belongs to a series identified by its name, resource, scope and
 * attributes. Gauges, and sums that OpenTelemetry defines as levels (non-monotonic cumulative), are
 * stored as they are; delta sums and histograms as interval rows; cumulative monotonic sums and
 * cumulative histograms wait in `cumulative` for their deltas. Explicit-bucket and exponential
 * histograms become log-bucket sketches. Summaries, invalid names and non-finite values are skipped
 * with their reason, and so are points whose time lies outside `window` (past the retention, or too far
 * ahead). Pure but for `cache`, which only remembers series already made.
 */
export function otlpMetricRows(
  metrics: readonly OtlpMetric[],
  cache = new SeriesCache(),
  window?: TimeWindow,
): MetricConversion {
  const result: MetricConversion = {
    rows: [],
    cumulative: [],
    series: new Map(),
    descriptions: [],
    skipped: [],
  };
  for (const metric of metrics) {
    const { name } = metric;
    const skip = (reason: string, points: number) => result.skipped.push({ name, reason, points });
    const problem = metricNameProblem(name);
    const kind = otlpInstrumentKind(metric);
    if (problem || kind === undefined) {
      skip(problem ?? 'summaries are not stored; send histograms', metric.dataPoints.length);
      continue;
    }
    result.descriptions.push({ name, kind, unit: metric.unit, description: metric.description, raw: false });
    const outside = new Map<string, { reason: string; points: number }>();
    const inWindow = (point: { timeUnixNano: bigint }) => {
      const violation = window && checkTimeWindow(window, point.timeUnixNano);
      if (!violation) return true;
      const seen = outside.get(violation.kind) ?? { reason: `time ${violation.reason}`, points: 0 };
      seen.points++;
      outside.set(violation.kind, seen);
      return false;
    };
    const origin = originOf(metric.resource, metric.scope, name);
    const originKey = JSON.stringify([
      name,
      origin.serviceName,
      origin.resource,
      origin.scopeName,
      origin.scopeVersion,
    ]);
    const seriesOf = (attributes: Readonly<Record<string, unknown>>) => {
      const series = cache.get(`${originKey}\0${JSON.stringify(attributes)}`, () =>
        storedSeries({ ...origin, labels: attributeLabels(attributes) }),
      );
      result.series.set(series.id, series);
      return series;
    };
    if (metric.type === 'sum' || metric.type === 'gauge') {
      const cumulative = metric.type === 'sum' && metric.temporality !== 'delta';
      let refused = 0;
      for (const point of metric.dataPoints) {
        if (point.noRecordedValue || !inWindow(point)) continue;
        if (!Number.isFinite(point.value)) {
          refused++;
          continue;
        }
        const series = seriesOf(point.attributes);
        const exemplars = otlpExemplars(point.exemplars, point.time);
        if (cumulative && kind === 'counter') {
          const value: CumulativeValue = { kind: 'sum', value: point.value };
          result.cumulative.push({ series, ...cumulativeTimes(point), value, exemplars });
          continue;
        }
        const type = cumulative || metric.type === 'gauge' ? 'gauge' : 'counter';
        result.rows.push(
          aggregateRow(series, type, valueAggregate(point.value), point.time, keyStart(point), exemplars),
        );
      }
      if (refused > 0) skip('value is not a finite number', refused);
      for (const { reason, points } of outside.values()) skip(reason, points);
      continue;
    }
    if (metric.type === 'summary') continue;
    for (const point of metric.dataPoints) {
      if (point.noRecordedValue || !inWindow(point)) continue;
      const series = seriesOf(point.attributes);
      const exemplars = otlpExemplars(point.exemplars, point.time);
      const value = histogramValue(point);
      if (metric.temporality !== 'delta') {
        result.cumulative.push({ series, ...cumulativeTimes(point), value, exemplars });
        continue;
      }
      if (point.count === 0) continue;
      const sketch = value.kind === 'explicit' ? sketchFromExplicit(value) : sketchFromExponential(value);
      if (sketch.count === 0) continue;
      const explicit = value.kind === 'explicit' ? value : undefined;
      result.rows.push(
        aggregateRow(
          series,
          'histogram',
          sketchAggregate(sketch),
          point.time,
          keyStart(point),
          exemplars,
          explicit,
        ),
      );
    }
    for (const { reason, points } of outside.values()) skip(reason, points);
  }
  return result;
}
