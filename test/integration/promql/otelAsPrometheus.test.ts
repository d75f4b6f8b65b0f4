import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { PgSampleSource } from '../../../src/promql/PgSampleSource.js';
import type { LabelMatcher } from '../../../src/promql/SampleSource.js';
import { useTestServer } from '../../helpers/testServer.js';

// The OpenTelemetry SDK on its defaults (cumulative temporality) sends over OTLP to pgtel serve,
// which stores deltas; PromQL must see the cumulative values the SDK exported, under Prometheus names.
const ctx = useTestServer();

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const name = (value: string): LabelMatcher => ({ name: '__name__', type: '=', value });

describe('OpenTelemetry metrics under their Prometheus names', () => {
  it('rebuilds cumulative counters and histogram counts from the stored deltas', async () => {
    const exporter = new OTLPMetricExporter({ url: `${ctx.server.url}/v1/metrics` });
    const reader = new CollectingReader({
      aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'checkout',
        'service.namespace': 'shop',
        'service.instance.id': 'pod-7',
        'host.name': 'node-1',
      }),
      readers: [reader],
    });
    const meter = provider.getMeter('shop');
    const orders = meter.createCounter('shop.orders', { unit: '{order}' });
    const inFlight = meter.createUpDownCounter('shop.in_flight');
    const latency = meter.createHistogram('shop.latency', { unit: 'ms' });
    const times: number[] = [];
    for (const [added, delta, observed] of [
      [3, 2, [5, 7]],
      [4, -1, [9]],
      [5, 3, [1, 2, 3]],
    ] as const) {
      orders.add(added, { 'http.route': '/pay' });
      inFlight.add(delta);
      for (const v of observed) latency.record(v);
      const { resourceMetrics } = await reader.collect();
      const result = await new Promise<{ code: number }>((resolve) =>
        exporter.export(resourceMetrics, resolve),
      );
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      times.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await provider.shutdown();

    const source = new PgSampleSource(ctx.server.db);
    const limits = { maxSamples: 1000 };
    const [counter] = await source.select([name('shop_orders_total')], 0, Date.now(), limits);
    expect(counter!.labels).toEqual({
      __name__: 'shop_orders_total',
      http_route: '/pay',
      job: 'shop/checkout',
      instance: 'pod-7',
    });
    expect(counter!.values).toEqual([3, 7, 12]);
    // A range starting after the first export still sees the level reached before it.
    const [later] = await source.select([name('shop_orders_total')], times[0]! + 1, Date.now(), limits);
    expect(later!.values).toEqual([7, 12]);
    const [gauge] = await source.select(
      [name('shop_in_flight'), { name: 'job', type: '=', value: 'shop/checkout' }],
      0,
      Date.now(),
      limits,
    );
    expect(gauge!.values).toEqual([2, 1, 4]);
    const [count] = await source.select([name('shop_latency_milliseconds_count')], 0, Date.now(), limits);
    expect(count!.values).toEqual([2, 3, 6]);
    const [sum] = await source.select([name('shop_latency_milliseconds_sum')], 0, Date.now(), limits);
    expect(sum!.values).toEqual([12, 21, 27]);
    expect(await source.labelValues('job', [name('shop_orders_total')], 0, Date.now())).toEqual([
      'shop/checkout',
    ]);
  });
});
