import { ValueType } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  type DataPoint,
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import { encodeMetricsResponse } from '../../../src/otlp/encodeResponse.js';
import { type CaptureServer, startCaptureServer } from './captureServer.js';

type HrTime = [number, number];
type Options = NonNullable<ConstructorParameters<typeof ProtoMetricExporter>[0]>;

const nanos = ([seconds, ns]: HrTime) => BigInt(seconds) * 1_000_000_000n + BigInt(ns);
const dateOf = (time: HrTime) => new Date(Number(nanos(time) / 1_000_000n));

/** Collects on demand, so the test decides when the exporter sends (no interval timer). */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Records every kind of instrument and returns what the SDK collected, with `exporter`'s temporality. */
async function recordMetrics(exporter: PushMetricExporter): Promise<ResourceMetrics> {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality!(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'pipeline', 'service.instance.id': 'i-1' }),
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('pgtel-otlp-test', '2.0.0');
  const requests = meter.createCounter('http.requests', { valueType: ValueType.INT, description: 'served' });
  requests.add(3, { route: '/a', code: 200 });
  requests.add(2, { route: '/a', code: 200 });
  requests.add(1, { route: '/b', code: 500, retried: true });
  const depth = meter.createUpDownCounter('queue.depth');
  depth.add(5.5);
  depth.add(-2);
  const duration = meter.createHistogram('http.duration', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [10, 100, 1000] },
  });
  for (const value of [5, 50, 55, 500, 5000]) duration.record(value, { route: '/a' });
  const size = meter.createHistogram('payload.size', { unit: 'By' });
  for (const value of [0, 1, 2, 3.5, 1000, 1000]) size.record(value);
  meter.createGauge('queue.lag').record(-3.25, { queue: 'orders' });
  meter.createObservableGauge('cpu.temperature').addCallback((result) => {
    result.observe(61.5, { core: 0 });
    result.observe(58, { core: 1 });
  });
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

function pointBase(point: DataPoint<unknown>) {
  return {
    attributes: point.attributes,
    startTimeUnixNano: nanos(point.startTime),
    startTime: dateOf(point.startTime),
    timeUnixNano: nanos(point.endTime),
    time: dateOf(point.endTime),
    flags: 0,
    noRecordedValue: false,
  };
}

function expectedMetric(metric: MetricData) {
  const { name, description, unit } = metric.descriptor;
  const temporality = metric.aggregationTemporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return {
        name,
        description,
        unit,
        type: 'sum',
        isMonotonic: metric.isMonotonic,
        temporality,
        dataPoints: metric.dataPoints.map((p) => ({ ...pointBase(p), value: p.value, exemplars: [] })),
      };
    case DataPointType.GAUGE:
      return {
        name,
        description,
        unit,
        type: 'gauge',
        dataPoints: metric.dataPoints.map((p) => ({ ...pointBase(p), value: p.value, exemplars: [] })),
      };
    case DataPointType.HISTOGRAM:
      return {
        name,
        description,
        unit,
        type: 'histogram',
        temporality,
        dataPoints: metric.dataPoints.map((p) => ({
          ...pointBase(p),
          count: p.value.count,
          sum: p.value.sum ?? null,
          min: p.value.min ?? null,
          max: p.value.max ?? null,
          explicitBounds: p.value.buckets.boundaries,
          bucketCounts: p.value.buckets.counts,
          exemplars: [],
        })),
      };
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return {
        name,
        description,
        unit,
        type: 'exponentialHistogram',
        temporality,
        dataPoints: metric.dataPoints.map((p) => ({
          ...pointBase(p),
          count: p.value.count,
          sum: p.value.sum ?? null,
          min: p.value.min ?? null,
          max: p.value.max ?? null,
          scale: p.value.scale,
          zeroCount: p.value.zeroCount,
          zeroThreshold: 0,
          positive: p.value.positive,
          negative: p.value.negative,
          exemplars: [],
        })),
      };
  }
}

const exporters = {
  protobuf: (options: Options) => new ProtoMetricExporter(options),
  json: (options: Options) => new JsonMetricExporter(options),
};

describe('OTLP metrics sent by the OpenTelemetry JS SDK exporters', () => {
  let server: CaptureServer;

  beforeAll(async () => {
    server = await startCaptureServer((request) => ({
      status: 200,
      ...encodeMetricsResponse({ rejected: 0, errorMessage: '' }, request.headers['content-type']),
    }));
  });
  afterAll(() => server.close());

  const cases = [
    ['protobuf', 'none', 'cumulative'],
    ['protobuf', 'gzip', 'delta'],
    ['json', 'none', 'delta'],
    ['json', 'gzip', 'cumulative'],
  ] as const;

  test.each(cases)(
    '%s, compression %s, %s: every metric kind round-trips',
    async (format, compression, temporality) => {
      const exporter = exporters[format]({
        url: `${server.url}/v1/metrics`,
        compression: compression as Options['compression'],
        temporalityPreference:
          temporality === 'delta'
            ? AggregationTemporalityPreference.DELTA
            : AggregationTemporalityPreference.CUMULATIVE,
      });
      const collected = await recordMetrics(exporter);
      const before = server.requests.length;
      const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
        exporter.export(collected, resolve),
      );
      await exporter.shutdown();
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(ExportResultCode.SUCCESS);

      const [request] = server.requests.slice(before);
      expect(request!.path).toBe('/v1/metrics');
      expect(request!.headers['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
      const decoded = await decodeMetricsRequest(
        request!.body,
        request!.headers['content-type'],
        request!.headers['content-encoding'],
      );

      expect(decoded).toMatchObject({ rejected: 0, errorMessage: '' });
      const sdkMetrics = collected.scopeMetrics.flatMap((scope) => scope.metrics);
      expect(sdkMetrics.map((m) => m.descriptor.name).sort()).toEqual([
        'cpu.temperature',
        'http.duration',
        'http.requests',
        'payload.size',
        'queue.depth',
        'queue.lag',
      ]);
      expect(decoded.metrics).toHaveLength(sdkMetrics.length);
      for (const sdkMetric of sdkMetrics) {
        const { resource, scope, ...fields } = decoded.metrics.find(
          (m) => m.name === sdkMetric.descriptor.name,
        )!;
        expect(fields).toEqual(expectedMetric(sdkMetric));
        expect(resource.attributes).toEqual(collected.resource.attributes);
        expect(resource.serviceName).toBe('pipeline');
        expect(scope).toMatchObject({ name: 'pgtel-otlp-test', version: '2.0.0' });
      }

      const byName = new Map(decoded.metrics.map((m) => [m.name, m]));
      expect(byName.get('http.requests')).toMatchObject({ type: 'sum', isMonotonic: true, temporality });
      expect(byName.get('queue.depth')).toMatchObject({ type: 'sum', isMonotonic: false });
      const histogram = byName.get('http.duration')!;
      expect(histogram.type === 'histogram' && histogram.dataPoints[0]).toMatchObject({
        count: 5,
        sum: 5610,
        min: 5,
        max: 5000,
        explicitBounds: [10, 100, 1000],
        bucketCounts: [1, 2, 1, 1],
      });
      const exponential = byName.get('payload.size')!;
      expect(exponential.type === 'exponentialHistogram' && exponential.dataPoints[0]).toMatchObject({
        count: 6,
        zeroCount: 1,
        sum: 2006.5,
      });
    },
  );
});
