import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { getPercentile } from '../../../src/metrics/queryMetrics.js';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();

/** Collects on demand, so the test decides when the exporter sends. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function send(temporality: AggregationTemporalityPreference, prefix: string) {
  const exporter = new OTLPMetricExporter({
    url: `${ctx.server.url}/v1/metrics`,
    temporalityPreference: temporality,
  });
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing' }),
    readers: [reader],
    views: [
      { instrumentName: `${prefix}.size`, aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('ingest-test');
  meter.createCounter(`${prefix}.requests`).add(7, { route: '/pay' });
  const latency = meter.createHistogram(`${prefix}.latency`, {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [10, 100, 1000] },
  });
  for (let i = 1; i <= 100; i++) latency.record(i * 10, { route: '/pay' });
  const size = meter.createHistogram(`${prefix}.size`, { unit: 'By' });
  for (let i = 1; i <= 1000; i++) size.record(i);
  meter.createGauge(`${prefix}.temperature`).record(21.5);
  const { resourceMetrics } = await reader.collect();
  const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
    exporter.export(resourceMetrics, resolve),
  );
  await provider.shutdown();
  return result;
}

describe('OTLP/HTTP metrics ingest with the OpenTelemetry SDK as the sender', () => {
  it('stores delta counters, gauges and histograms in the metrics table', async () => {
    const result = await send(AggregationTemporalityPreference.DELTA, 'd');
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const { db } = ctx.server;
    const rows = await db.query<{
      metric_name: string;
      metric_type: string;
      metric_value: number;
      sample_count: number;
      labels: unknown;
    }>(
      `SELECT metric_name, metric_type, metric_value, sample_count, labels FROM ${db.table('metrics')}
        WHERE metric_name LIKE 'd.%' ORDER BY metric_name`,
    );
    expect(rows.rows).toEqual([
      {
        metric_name: 'd.latency',
        metric_type: 'histogram',
        metric_value: 505,
        sample_count: 100,
        labels: { route: '/pay' },
      },
      {
        metric_name: 'd.requests',
        metric_type: 'counter',
        metric_value: 7,
        sample_count: 1,
        labels: { route: '/pay' },
      },
      {
        metric_name: 'd.size',
        metric_type: 'histogram',
        metric_value: 500.5,
        sample_count: 1000,
        labels: {},
      },
      { metric_name: 'd.temperature', metric_type: 'gauge', metric_value: 21.5, sample_count: 1, labels: {} },
    ]);
    // p50 of 1..1000 from the SDK's exponential histogram: its 160 buckets over that range are
    // about 4.4% wide, so the sender's resolution, not storage, bounds the error.
    const p50 = await getPercentile(db, 'd.size', 0.5, { hours: 1 });
    expect(Math.abs(p50! - 500.5) / 500.5).toBeLessThan(0.03);
  });

  it('keeps cumulative sums and reports cumulative histograms as rejected with the fix', async () => {
    const result = await send(AggregationTemporalityPreference.CUMULATIVE, 'c');
    // The SDK treats a partial success as success; what was refused is in the response.
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const { db } = ctx.server;
    const names = await db.query<{ metric_name: string; metric_type: string }>(
      `SELECT DISTINCT metric_name, metric_type FROM ${db.table('metrics')} WHERE metric_name LIKE 'c.%' ORDER BY 1`,
    );
    expect(names.rows).toEqual([
      { metric_name: 'c.requests', metric_type: 'gauge' },
      { metric_name: 'c.temperature', metric_type: 'gauge' },
    ]);
    const response = await fetch(`${ctx.server.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'c.hist',
                    histogram: {
                      aggregationTemporality: 2,
                      dataPoints: [{ count: '1', sum: 1, bucketCounts: ['1'], explicitBounds: [] }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedDataPoints: '1',
        errorMessage:
          'c.hist: cumulative histograms are not stored; set OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta',
      },
    });
  });
});
