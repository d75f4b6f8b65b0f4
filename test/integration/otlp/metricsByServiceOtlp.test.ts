import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPercentile } from '../../../src/metrics/queryMetrics.js';
import { useTestServer } from '../../helpers/testServer.js';

// Two services send the same metric names with the same labels through the OpenTelemetry SDK's
// OTLP exporter (cumulative, its default); every read keeps them apart.
const ctx = useTestServer();
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function sendAs(service: string, environment: string, latencyMs: number, requests: number) {
  const exporter = new OTLPMetricExporter({
    url: `${ctx.server.url}/v1/metrics`,
    temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
  });
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': environment }),
    readers: [reader],
    views: [{ instrumentName: 'svc.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('by-service-test');
  meter.createCounter('svc.requests').add(requests, { route: '/q' });
  const latency = meter.createHistogram('svc.latency', { unit: 'ms' });
  for (let i = 0; i < 200; i++) latency.record(latencyMs, { route: '/q' });
  const { resourceMetrics } = await reader.collect();
  const result = await new Promise<{ code: number }>((resolve) => exporter.export(resourceMetrics, resolve));
  await provider.shutdown();
  expect(result.code).toBe(ExportResultCode.SUCCESS);
}

async function get(path: string): Promise<Json> {
  const response = await fetch(`${ctx.server.url}/api${path}`);
  expect(response.status, path).toBe(200);
  return response.json();
}

beforeAll(async () => {
  await sendAs('checkout', 'prod', 12, 5);
  await sendAs('search', 'staging', 640, 9);
});

describe('metrics of two services sent over OTLP', () => {
  it('lists both services, keeps counters apart by service and filters by resource attribute', async () => {
    const { metrics } = await get('/metrics');
    const requests = metrics.find((m: Json) => m.name === 'svc.requests');
    expect(requests.services).toEqual(['checkout', 'search']);
    expect(requests.seriesCount).toBe(2);
    const total = (line: Json) => line.points.reduce((s: number, [, v]: [number, number]) => s + (v ?? 0), 0);
    const grouped = await get('/metrics/svc.requests/series?step=1h&groupBy=service.name,route');
    expect(grouped.lines.map((l: Json) => [l.labels, total(l)])).toEqual([
      [{ 'service.name': 'checkout', route: '/q' }, 5],
      [{ 'service.name': 'search', route: '/q' }, 9],
    ]);
    const staging = await get('/metrics/svc.requests/series?step=1h&resource=deployment.environment:staging');
    expect(staging.lines.map(total)).toEqual([9]);
  });

  it('gives each service its own percentiles, through the API and the library', async () => {
    const body = await get('/metrics/svc.latency/percentiles?step=1h&p=0.5&groupBy=service.name');
    const median = Object.fromEntries(
      body.series.map((s: Json) => [
        s.labels['service.name'],
        s.points.find(([, v]: [number, number]) => v)?.[1],
      ]),
    );
    expect(Math.abs(median.checkout - 12) / 12).toBeLessThan(0.02);
    expect(Math.abs(median.search - 640) / 640).toBeLessThan(0.02);
    const { db } = ctx.server;
    const search = await getPercentile(db, 'svc.latency', 0.5, { hours: 1, service: 'search' });
    expect(Math.abs(search! - 640) / 640).toBeLessThan(0.02);
    const prod = await getPercentile(db, 'svc.latency', 0.99, {
      hours: 1,
      resource: { 'deployment.environment': 'prod' },
    });
    expect(Math.abs(prod! - 12) / 12).toBeLessThan(0.02);
  });
});
