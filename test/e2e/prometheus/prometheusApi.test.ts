import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_RATE_PROMQL } from '../../../src/grafana/grafanaProvisioning.js';
import { postRemoteWrite, remoteWriteBody } from '../../helpers/remoteWrite.js';
import { useTestServer } from '../../helpers/testServer.js';

// pgtel serve holds metrics sent by the OpenTelemetry SDK's OTLP exporter (on its defaults) and
// samples sent by remote write; Prometheus's HTTP API answers over both, in Prometheus's shapes.
const ctx = useTestServer();
const NOW = Date.now();
const START = Math.floor(NOW / 1000) - 600;
const END = Math.floor(NOW / 1000) + 60;

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Three exports of an HTTP server duration histogram on two routes, as the SDK sends them. */
async function sendOtelMetrics(url: string): Promise<void> {
  const exporter = new OTLPMetricExporter({ url: `${url}/v1/metrics` });
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    readers: [reader],
  });
  const duration = provider.getMeter('shop').createHistogram('http.server.request.duration', { unit: 's' });
  for (let i = 0; i < 3; i++) {
    duration.record(0.05, { 'http.route': '/orders' });
    duration.record(0.2, { 'http.route': '/orders' });
    duration.record(0.1, { 'http.route': '/pay' });
    const { resourceMetrics } = await reader.collect();
    const result = await new Promise<{ code: number }>((resolve) =>
      exporter.export(resourceMetrics, resolve),
    );
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await provider.shutdown();
}

/** `node_requests_total{job="node"}` every 15 s over the last 10 minutes (+1 per sample), and two series that collide without their names. */
async function sendRemoteWrite(url: string): Promise<void> {
  const times = Array.from({ length: 41 }, (_, i) => (START + i * 15) * 1000);
  const body = remoteWriteBody(
    [
      {
        labels: [
          ['__name__', 'node_requests_total'],
          ['job', 'node'],
          ['instance', 'a:9100'],
        ],
        samples: times.map((timestampMs, i) => ({ timestampMs, value: i })),
      },
      ...['dup_a', 'dup_b'].map((name) => ({
        labels: [
          ['__name__', name],
          ['job', 'dup'],
        ] as [string, string][],
        samples: times.map((timestampMs, i) => ({ timestampMs, value: i })),
      })),
    ],
    [{ type: 1, family: 'node_requests_total', help: 'Requests served.' }],
  );
  const response = await postRemoteWrite(url, body);
  expect(response.status).toBe(204);
}

beforeAll(async () => {
  await sendOtelMetrics(ctx.server.url);
  await sendRemoteWrite(ctx.server.url);
}, 60_000);

interface Answer {
  status: string;
  data: unknown;
  warnings?: string[];
  errorType?: string;
  error?: string;
}

async function get(path: string, params: Record<string, string | string[]> = {}): Promise<[number, Answer]> {
  const url = new URL(`/api/v1/${path}`, ctx.server.url);
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) url.searchParams.append(k, one);
  const response = await fetch(url);
  return [response.status, (await response.json()) as Answer];
}

/** A form-encoded POST, as Grafana sends with `httpMethod: POST`. */
async function post(path: string, params: Record<string, string | string[]>): Promise<[number, Answer]> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) form.append(k, one);
  const response = await fetch(new URL(`/api/v1/${path}`, ctx.server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return [response.status, (await response.json()) as Answer];
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];
type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe("Grafana's Prometheus data source against pgtel serve", () => {
  it('connects: buildinfo and the health-check query 1+1', async () => {
    const [status, build] = await get('status/buildinfo');
    expect(status).toBe(200);
    expect(build.status).toBe('success');
    expect((build.data as { version: string }).version).toMatch(/^2\.\d+\.\d+$/);
    const [, check] = await post('query', { query: '1+1', time: String(END) });
    expect(check.data).toEqual({ resultType: 'scalar', result: [END, '2'] });
    const [runtimeStatus] = await get('status/runtimeinfo');
    expect(runtimeStatus).toBe(200);
  });

  it('fills the query editor: metric names, labels, label values, series and metadata', async () => {
    const range = { start: String(START), end: String(END) };
    const [, names] = await get('label/__name__/values', range);
    expect(names.data).toEqual(
      expect.arrayContaining(['http_server_request_duration_seconds_count', 'node_requests_total']),
    );
    const [, labels] = await get('labels', range);
    expect(labels.data).toEqual(expect.arrayContaining(['__name__', 'http_route', 'job', 'instance']));
    const [, routes] = await get('label/http_route/values', {
      ...range,
      'match[]': 'http_server_request_duration_seconds_count',
    });
    expect(routes.data).toEqual(['/orders', '/pay']);
    const [, series] = await post('series', { ...range, 'match[]': 'node_requests_total' });
    expect(series.data).toEqual([{ __name__: 'node_requests_total', instance: 'a:9100', job: 'node' }]);
    const [, metadata] = await get('metadata');
    expect(metadata.data).toMatchObject({
      node_requests_total: [{ type: 'counter', help: 'Requests served.' }],
      http_server_request_duration_seconds: [{ type: 'histogram' }],
    });
  });

  it("draws the dashboard's PromQL panel: query_range POSTed form-encoded with a step", async () => {
    const expr = REQUEST_RATE_PROMQL.replace('$__rate_interval', '5m');
    const [status, answer] = await post('query_range', {
      query: expr,
      start: String(START),
      end: String(END),
      step: '15',
    });
    expect(status).toBe(200);
    const result = (answer.data as { resultType: string; result: Matrix }).result;
    expect(result.map((s) => s.metric)).toEqual([{ http_route: '/orders' }, { http_route: '/pay' }]);
    for (const s of result) {
      expect(s.values.length).toBeGreaterThan(0);
      for (const [t, v] of s.values) {
        expect(typeof v).toBe('string');
        expect(Number(v)).toBeGreaterThan(0);
        expect((t - START) % 15).toBe(0);
      }
    }
  });

  it('answers an instant query over remote-written samples, time as RFC 3339 or unix seconds', async () => {
    const at = START + 150;
    for (const time of [String(at), new Date(at * 1000).toISOString()]) {
      const [, answer] = await get('query', { query: 'node_requests_total', time });
      expect(answer.data).toEqual({
        resultType: 'vector',
        result: [
          { metric: { __name__: 'node_requests_total', instance: 'a:9100', job: 'node' }, value: [at, '10'] },
        ],
      });
    }
    const [, rate] = await post('query', { query: 'rate(node_requests_total[1m])', time: String(at) });
    expect(Number((rate.data as { result: Vector }).result[0]!.value[1])).toBeCloseTo(1 / 15, 12);
  });
});

describe('Prometheus API errors and limits', () => {
  const expectError = (answer: [number, Answer], status: number, errorType: string, error: RegExp) => {
    expect(answer[0]).toBe(status);
    expect(answer[1]).toMatchObject({ status: 'error', errorType });
    expect(answer[1].error).toMatch(error);
  };

  it('refuses a query that does not parse and bad parameters with 400 bad_data naming them', async () => {
    expectError(await get('query', { query: 'sum(' }), 400, 'bad_data', /^invalid parameter "query": /);
    expectError(
      await post('query', { query: 'up', time: 'soon' }),
      400,
      'bad_data',
      /^invalid parameter "time"/,
    );
    const range = { query: 'up', start: String(START), end: String(END), step: '15' };
    expectError(
      await post('query_range', { ...range, step: 'x' }),
      400,
      'bad_data',
      /^invalid parameter "step"/,
    );
    expectError(
      await post('query_range', { ...range, step: '0' }),
      400,
      'bad_data',
      /^invalid parameter "step"/,
    );
    expectError(await post('query_range', { ...range, end: String(START - 1) }), 400, 'bad_data', /"end"/);
    const { step: _, ...noStep } = range;
    expectError(
      await post('query_range', noStep),
      400,
      'bad_data',
      /^invalid parameter "step": parameter is missing/,
    );
    expectError(await get('query', { query: 'up', timeout: 'long' }), 400, 'bad_data', /"timeout"/);
    expectError(await get('series', {}), 400, 'bad_data', /no match\[\] parameter provided/);
    expectError(await get('labels', { limit: '-2' }), 400, 'bad_data', /^invalid parameter "limit"/);
    expectError(await get('label/bad-name/values'), 400, 'bad_data', /invalid label name/);
  });

  it('answers 422 execution when evaluation fails', async () => {
    expectError(
      await get('query', { query: 'rate({job="dup"}[5m])', time: String(END) }),
      422,
      'execution',
      /same labelset/,
    );
  });

  it('answers 503 timeout for a query that outlives its timeout', async () => {
    expectError(
      await get('query', {
        query: 'count_over_time(node_requests_total[1h:1ms])',
        time: String(END),
        timeout: '5ms',
      }),
      503,
      'timeout',
      /timed out/,
    );
  });

  it('truncates to limit with a warning', async () => {
    const [, series] = await get('series', { 'match[]': '{job=~"dup|node"}', limit: '2' });
    expect(series.data).toHaveLength(2);
    expect(series.warnings).toEqual(['results truncated due to limit']);
    const [, query] = await get('query', { query: '{job="dup"}', time: String(END), limit: '1' });
    expect((query.data as { result: Vector }).result).toHaveLength(1);
  });

  it('reads POST form fields and query-string fields together', async () => {
    const response = await fetch(new URL(`/api/v1/query?time=${START + 150}`, ctx.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: 'query=sum%28node_requests_total%29',
    });
    const answer = (await response.json()) as Answer;
    expect(answer.data).toEqual({
      resultType: 'vector',
      result: [{ metric: {}, value: [START + 150, '10'] }],
    });
  });

  it('validates an exemplar query', async () => {
    const [status, answer] = await post('query_exemplars', {
      query: 'node_requests_total',
      start: String(START),
      end: String(END),
    });
    expect(status).toBe(200);
    expect(answer.data).toEqual([]);
    expectError(await post('query_exemplars', { query: 'x{' }), 400, 'bad_data', /"query"/);
  });
});
