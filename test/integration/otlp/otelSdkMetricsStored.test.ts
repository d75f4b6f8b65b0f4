import { ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../helpers/testServer.js';

/** Collects on demand, so the test decides when the exporter sends. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const ctx = useTestServer();

/** One instrumented service: the OpenTelemetry SDK on its defaults, sending through `exporter`. */
function service(name: string, exporter: PushMetricExporter) {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality!(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': name, 'host.name': `${name}-host` }),
    readers: [reader],
  });
  const meter = provider.getMeter('shop', '1.2.3');
  const duration = meter.createHistogram('http.server.request.duration', { unit: 'ms' });
  const requests = meter.createCounter('http.server.requests');
  let last: ResourceMetrics | undefined;
  return {
    record(values: number[]) {
      for (const v of values) {
        duration.record(v, { 'http.route': '/cart' });
        requests.add(1, { 'http.route': '/cart' });
      }
    },
    /** Collects and sends; `again` resends the last export as it was (a retry after a lost answer). */
    async export(again = false): Promise<void> {
      if (!again) last = (await reader.collect()).resourceMetrics;
      const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
        exporter.export(last!, resolve),
      );
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(ExportResultCode.SUCCESS);
    },
    shutdown: () => provider.shutdown(),
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
}

async function stored(serviceName: string, metric: string) {
  const db = ctx.server.db;
  const total = await db.query<{ total: number | null; rows: number; series: number }>(
    `SELECT sum(metric_value) AS total, count(*)::int AS rows, count(DISTINCT series_id)::int AS series
       FROM ${db.table('metrics')} WHERE metric_name = $1 AND service_name = $2`,
    [metric, serviceName],
  );
  return total.rows[0]!;
}

async function quantile(serviceName: string, q: number): Promise<number> {
  const db = ctx.server.db;
  const { rows } = await db.query<{ value: number }>(
    `WITH merged AS (
       SELECT u.k, sum(u.c)::bigint AS c FROM ${db.table('metrics')} m
        CROSS JOIN LATERAL unnest(m.sketch_keys, m.sketch_counts) AS u(k, c)
        WHERE m.metric_name = 'http.server.request.duration' AND m.service_name = $1 GROUP BY u.k)
     SELECT ${db.table('metric_sketch_quantile')}(
       (SELECT array_agg(k ORDER BY k) FROM merged), (SELECT array_agg(c ORDER BY k) FROM merged), $2,
       (SELECT min(sample_min) FROM ${db.table('metrics')} WHERE metric_name = 'http.server.request.duration' AND service_name = $1),
       (SELECT max(sample_max) FROM ${db.table('metrics')} WHERE metric_name = 'http.server.request.duration' AND service_name = $1)) AS value`,
    [serviceName, q],
  );
  return rows[0]!.value;
}

describe('metrics from the OpenTelemetry SDK on its defaults', () => {
  it('stores cumulative counters and histograms as exact deltas per service, resends once, restarts reset', async () => {
    const url = `${ctx.server.url}/v1/metrics`;
    const checkout = service('checkout', new ProtoMetricExporter({ url }));
    const billing = service('billing', new JsonMetricExporter({ url, compression: 'gzip' as never }));

    checkout.record(range(1, 500));
    billing.record([7, 7, 7]);
    await checkout.export();
    await billing.export();
    checkout.record(range(501, 1000));
    await checkout.export();
    await checkout.export(true); // the same request again: a retry after a lost 200
    await checkout.export(); // nothing new: a zero delta stores nothing
    await billing.export();

    expect(await stored('checkout', 'http.server.requests')).toEqual({ total: 1000, rows: 2, series: 1 });
    expect(await stored('billing', 'http.server.requests')).toEqual({ total: 3, rows: 1, series: 1 });
    const checkoutHistogram = await stored('checkout', 'http.server.request.duration');
    expect(checkoutHistogram.rows).toBe(2);
    const values = range(1, 1000);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs((await quantile('checkout', q)) - exact) / exact, `p${q * 100}`).toBeLessThan(0.011);
    }
    expect(await quantile('billing', 0.99)).toBeCloseTo(7, 5);

    // The series keeps its resource and scope.
    const { rows: series } = await ctx.server.db.query<Record<string, unknown>>(
      `SELECT service_name, resource, scope_name, scope_version, labels FROM ${ctx.server.db.table('metric_series')}
        WHERE metric_name = 'http.server.requests' ORDER BY service_name`,
    );
    expect(series).toEqual([
      expect.objectContaining({
        service_name: 'billing',
        resource: expect.objectContaining({ 'host.name': 'billing-host' }),
      }),
      {
        service_name: 'checkout',
        resource: { 'host.name': 'checkout-host' },
        scope_name: 'shop',
        scope_version: '1.2.3',
        labels: { 'http.route': '/cart' },
      },
    ]);

    // The process restarts: a new start time, counting from zero again.
    await checkout.shutdown();
    const restarted = service('checkout', new ProtoMetricExporter({ url }));
    restarted.record([2000, 2000]);
    await restarted.export();
    expect(await stored('checkout', 'http.server.requests')).toMatchObject({ total: 1002, rows: 3 });
    await Promise.all([restarted.shutdown(), billing.shutdown()]);
  });

  it('stores delta temporality the same way', async () => {
    const url = `${ctx.server.url}/v1/metrics`;
    const exporter = new ProtoMetricExporter({
      url,
      temporalityPreference: AggregationTemporalityPreference.DELTA,
      compression: 'gzip' as never,
    });
    const app = service('delta-app', exporter);
    app.record(range(1, 100));
    await app.export();
    await app.export(true);
    app.record(range(101, 200));
    await app.export();
    expect(await stored('delta-app', 'http.server.requests')).toEqual({ total: 200, rows: 2, series: 1 });
    await app.shutdown();
  });

  it('refuses a metric name sent as another instrument kind, naming it, and stores the rest once', async () => {
    const time = String(Date.now() * 1e6);
    const send = () =>
      fetch(`${ctx.server.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gauge-app' } }] },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'http.server.requests',
                      gauge: { dataPoints: [{ asDouble: 5, timeUnixNano: time }] },
                    },
                    {
                      name: 'queue.depth',
                      gauge: { dataPoints: [{ asDouble: 5, timeUnixNano: time }] },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
    // Sent twice: a gauge point has no start of its own, and its resend is still recognised.
    for (const response of [await send(), await send()]) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        partialSuccess: { rejectedDataPoints: string; errorMessage: string };
      };
      expect(body.partialSuccess.rejectedDataPoints).toBe('1');
      expect(body.partialSuccess.errorMessage).toMatch(
        /http\.server\.requests: sent as gauge but stored as counter/,
      );
    }
    expect(await stored('gauge-app', 'queue.depth')).toEqual({ total: 5, rows: 1, series: 1 });
    expect(await stored('gauge-app', 'http.server.requests')).toMatchObject({ rows: 0 });
  });

  it('refuses points outside the retention or more than a day ahead, one by one, with the reason', async () => {
    const point = (ms: bigint, value: number) => ({ asDouble: value, timeUnixNano: String(ms * 1_000_000n) });
    const response = await fetch(`${ctx.server.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clock-app' } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'clock.level',
                    gauge: {
                      dataPoints: [
                        point(0n, 1),
                        point(BigInt(Date.now()), 2),
                        point(BigInt(Date.now() + 3 * 86_400_000), 3),
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
    const body = (await response.json()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedDataPoints).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(
      /clock\.level: time 1970-01-01T00:00:00Z is older than the 90-day retention/,
    );
    expect(body.partialSuccess.errorMessage).toMatch(
      /clock\.level: time \S+ is more than a day in the future/,
    );
    expect(await stored('clock-app', 'clock.level')).toEqual({ total: 2, rows: 1, series: 1 });
  });
});
