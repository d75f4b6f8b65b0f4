import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../helpers/testServer.js';

// The OpenTelemetry SDK on its defaults (cumulative temporality, default bucket boundaries) sends
// over OTLP to pgtel serve; PromQL over the Prometheus HTTP API must see the histogram as
// Prometheus's `_bucket` series and the resource as `target_info`.
const ctx = useTestServer();

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function instant(query: string, timeS: number): Promise<VectorSample[]> {
  const response = await fetch(
    `${ctx.server.url}/api/v1/query?${new URLSearchParams({ query, time: String(timeS) })}`,
  );
  const body = (await response.json()) as {
    status: string;
    data: { result: VectorSample[] };
    error?: string;
  };
  expect(body.error).toBeUndefined();
  return body.data.result;
}

/** The SDK's default explicit bucket boundaries, as `le` labels, then +Inf. */
const DEFAULT_LE = [
  '0',
  '5',
  '10',
  '25',
  '50',
  '75',
  '100',
  '250',
  '500',
  '750',
  '1000',
  '2500',
  '5000',
  '7500',
  '10000',
  '+Inf',
];

describe('OpenTelemetry histograms and resources under PromQL', () => {
  it('answers histogram_quantile over _bucket series and shows target_info', async () => {
    const exporter = new OTLPMetricExporter({ url: `${ctx.server.url}/v1/metrics` });
    const reader = new CollectingReader({
      aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'api',
        'service.instance.id': 'pod-1',
        'host.name': 'node-9',
      }),
      readers: [reader],
    });
    const duration = provider.getMeter('http').createHistogram('http.server.request.duration', { unit: 's' });
    // Three exports of a growing cumulative histogram: 10 observations in the end.
    for (const observed of [
      [1, 2, 3],
      [4, 6, 7, 8],
      [20, 30, 100],
    ]) {
      for (const v of observed) duration.record(v, { 'http.route': '/pay' });
      const { resourceMetrics } = await reader.collect();
      const result = await new Promise<{ code: number }>((resolve) =>
        exporter.export(resourceMetrics, resolve),
      );
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await provider.shutdown();
    const now = Date.now() / 1000;

    const buckets = await instant('http_server_request_duration_seconds_bucket', now);
    expect(buckets.map((b) => b.metric.le)).toEqual(expect.arrayContaining(DEFAULT_LE));
    expect(buckets).toHaveLength(DEFAULT_LE.length);
    const countAt = Object.fromEntries(buckets.map((b) => [b.metric.le, Number(b.value[1])]));
    expect(countAt).toMatchObject({
      '0': 0,
      '5': 4,
      '10': 7,
      '25': 8,
      '50': 9,
      '75': 9,
      '100': 10,
      '+Inf': 10,
    });
    expect(buckets[0]!.metric).toMatchObject({
      __name__: 'http_server_request_duration_seconds_bucket',
      http_route: '/pay',
      job: 'api',
      instance: 'pod-1',
    });
    const [count] = await instant('http_server_request_duration_seconds_count', now);
    expect(Number(count!.value[1])).toBe(10);

    // Rank 9.5 of 10 lies in (75, 100], interpolated as Prometheus does: 75 + 25 * 0.5.
    const [exact] = await instant(
      'histogram_quantile(0.95, sum by (le) (http_server_request_duration_seconds_bucket))',
      now,
    );
    expect(Number(exact!.value[1])).toBe(87.5);
    const [rated] = await instant(
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m])))',
      now,
    );
    expect(rated!.metric).toEqual({});
    expect(Number(rated!.value[1])).toBeGreaterThan(0);
    expect(Number(rated!.value[1])).toBeLessThanOrEqual(100);

    const [info] = await instant('target_info', now);
    expect(info!.metric).toEqual({
      __name__: 'target_info',
      job: 'api',
      instance: 'pod-1',
      host_name: 'node-9',
    });
    expect(info!.value[1]).toBe('1');
    // A name matched by regular expression reaches the translated names too.
    const matched = await instant(
      'count({__name__=~"http_server_request_duration_seconds_(sum|count)"})',
      now,
    );
    expect(matched[0]!.value[1]).toBe('2');
  });
});
