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

  it('stores the SDK default, cumulative, as the same deltas: counters, explicit and exponential histograms', async () => {
    const result = await send(AggregationTemporalityPreference.CUMULATIVE, 'c');
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const { db } = ctx.server;
    const rows = await db.query<{ metric_name: string; metric_type: string; total: number; samples: number }>(
      `SELECT metric_name, metric_type, sum(metric_value) AS total, sum(sample_count)::int AS samples
         FROM ${db.table('metrics')} WHERE metric_name LIKE 'c.%' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows.rows).toEqual([
      { metric_name: 'c.latency', metric_type: 'histogram', total: expect.any(Number), samples: 100 },
      { metric_name: 'c.requests', metric_type: 'counter', total: 7, samples: 1 },
      { metric_name: 'c.size', metric_type: 'histogram', total: expect.any(Number), samples: 1000 },
      { metric_name: 'c.temperature', metric_type: 'gauge', total: 21.5, samples: 1 },
    ]);
    const p50 = await getPercentile(db, 'c.size', 0.5, { hours: 1 });
    expect(Math.abs(p50! - 500.5) / 500.5).toBeLessThan(0.03);
  });

  it('takes a cumulative point without a start time as a baseline, and stores the next one as its delta', async () => {
    const post = (count: number, seconds: number) =>
      fetch(`${ctx.server.url}/v1/metrics`, {
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
                        dataPoints: [
                          {
                            timeUnixNano: String(BigInt(Date.now() - 60_000 + seconds * 1000) * 1_000_000n),
                            count: String(count),
                            sum: count * 5,
                            bucketCounts: [String(count), '0'],
                            explicitBounds: [10],
                          },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
    for (const [count, seconds] of [
      [4, 0],
      [10, 10],
    ] as const) {
      const response = await post(count, seconds);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({});
    }
    const { db } = ctx.server;
    const stored = await db.query<{ samples: number }>(
      `SELECT sum(sample_count)::int AS samples FROM ${db.table('metrics')} WHERE metric_name = 'c.hist'`,
    );
    expect(stored.rows).toEqual([{ samples: 6 }]);
  });
});
