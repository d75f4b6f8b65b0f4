import type { HrTime } from '@opentelemetry/api';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type {
  Attributes,
  OtlpDataPointBase,
  OtlpMetric,
  OtlpResource,
  OtlpScope,
  OtlpTemporality,
} from '../otlp/otlpModel.js';

// Numeric values of the SDK's enums, so that this file needs no runtime import of the (optional) SDK.
const HISTOGRAM = 0;
const EXPONENTIAL_HISTOGRAM = 1;
const GAUGE = 2;
const DELTA = 0;

type ExplicitValue = {
  buckets: { boundaries: number[]; counts: number[] };
  sum?: number;
  count: number;
  min?: number;
  max?: number;
};
type ExponentialValue = {
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  min?: number;
  max?: number;
};

const nanos = (time: HrTime) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
const toDate = (time: HrTime) => new Date(time[0] * 1000 + time[1] / 1e6);

function pointBase(point: { startTime: HrTime; endTime: HrTime; attributes: object }): OtlpDataPointBase {
  return {
    attributes: point.attributes as Attributes,
    startTimeUnixNano: nanos(point.startTime),
    startTime: toDate(point.startTime),
    timeUnixNano: nanos(point.endTime),
    time: toDate(point.endTime),
    flags: 0,
    noRecordedValue: false,
  };
}

function toMetric(metric: MetricData, resource: OtlpResource, scope: OtlpScope): OtlpMetric {
  const { name, unit, description } = metric.descriptor;
  const base = { resource, scope, name, unit, description };
  const temporality: OtlpTemporality = metric.aggregationTemporality === DELTA ? 'delta' : 'cumulative';
  if (metric.dataPointType === HISTOGRAM || metric.dataPointType === EXPONENTIAL_HISTOGRAM) {
    const stats = (v: { count: number; sum?: number; min?: number; max?: number }) => ({
      count: v.count,
      sum: v.sum ?? null,
      min: v.min ?? null,
      max: v.max ?? null,
      exemplars: [],
    });
    if (metric.dataPointType === HISTOGRAM) {
      const dataPoints = metric.dataPoints.map((p) => {
        const v = p.value as ExplicitValue;
        return {
          ...pointBase(p),
          ...stats(v),
          explicitBounds: v.buckets.boundaries,
          bucketCounts: v.buckets.counts,
        };
      });
      return { ...base, type: 'histogram', temporality, dataPoints };
    }
    const dataPoints = metric.dataPoints.map((p) => {
      const v = p.value as ExponentialValue;
      const { scale, zeroCount, positive, negative } = v;
      return { ...pointBase(p), ...stats(v), scale, zeroCount, zeroThreshold: 0, positive, negative };
    });
    return { ...base, type: 'exponentialHistogram', temporality, dataPoints };
  }
  const dataPoints = metric.dataPoints.map((p) => ({
    ...pointBase(p),
    value: p.value as number,
    exemplars: [],
  }));
  if (metric.dataPointType === GAUGE) return { ...base, type: 'gauge', dataPoints };
  const isMonotonic = 'isMonotonic' in metric && metric.isMonotonic;
  return { ...base, type: 'sum', isMonotonic, temporality, dataPoints };
}

/**
 * The OpenTelemetry SDK's metric export in the model OTLP requests decode to, so that both take
 * one path into storage (`otlpMetricRows`). Resource and scope are kept.
 */
export function otelMetricsToOtlp(resourceMetrics: ResourceMetrics): OtlpMetric[] {
  const attributes = (resourceMetrics.resource?.attributes ?? {}) as Attributes;
  const serviceName = attributes['service.name'];
  const resource: OtlpResource = {
    attributes,
    serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service',
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
  return resourceMetrics.scopeMetrics.flatMap(({ scope, metrics }) => {
    const otlpScope: OtlpScope = {
      name: scope.name,
      version: scope.version ?? '',
      attributes: {},
      droppedAttributesCount: 0,
      schemaUrl: scope.schemaUrl ?? '',
    };
    return metrics.map((metric) => toMetric(metric, resource, otlpScope));
  });
}
