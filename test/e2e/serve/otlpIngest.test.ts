import { gzipSync } from 'node:zlib';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();

async function sendWith(
  exporter: SpanExporter,
  service: string,
): Promise<{ traceId: string; rootId: string }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('otlp-test', '1.0.0');
  const root = tracer.startSpan('checkout', {
    attributes: { 'http.method': 'POST', items: [1, 2, 3], ok: true },
  });
  const { trace, context } = await import('@opentelemetry/api');
  const child = tracer.startSpan('charge card', {}, trace.setSpan(context.active(), root));
  child.addEvent('retry', { attempt: 2 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId };
}

interface StoredSpan {
  span_id: string;
  parent_span_id: string | null;
  operation_name: string;
  service_name: string;
  status: string;
  status_message: string | null;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
}

async function storedTrace(traceId: string): Promise<StoredSpan[]> {
  const { db } = ctx.server;
  const result = await db.query<StoredSpan>(
    `SELECT span_id, parent_span_id, operation_name, service_name, status, status_message, attributes, events
       FROM ${db.table('spans')} WHERE trace_id = $1 ORDER BY parent_span_id NULLS FIRST`,
    [traceId],
  );
  return result.rows;
}

describe('OTLP/HTTP trace ingest with the OpenTelemetry SDK as the sender', () => {
  it.each([
    ['protobuf', (url: string) => new OtlpProtoExporter({ url })],
    [
      'protobuf, gzip',
      (url: string) => new OtlpProtoExporter({ url, compression: CompressionAlgorithm.GZIP }),
    ],
    ['JSON', (url: string) => new OtlpHttpJsonExporter({ url })],
    [
      'JSON, gzip',
      (url: string) => new OtlpHttpJsonExporter({ url, compression: CompressionAlgorithm.GZIP }),
    ],
  ])('stores spans sent as %s in the spans table', async (name, exporter) => {
    const service = `svc-${name.replace(/\W+/g, '-')}`;
    const { traceId, rootId } = await sendWith(exporter(`${ctx.server.url}/v1/traces`), service);
    const spans = await storedTrace(traceId);
    expect(spans).toHaveLength(2);
    const [root, child] = spans;
    expect(root).toMatchObject({
      span_id: rootId,
      parent_span_id: null,
      operation_name: 'checkout',
      service_name: service,
      attributes: { 'http.method': 'POST', items: [1, 2, 3], ok: true },
    });
    expect(child).toMatchObject({
      parent_span_id: rootId,
      operation_name: 'charge card',
      status: 'error',
      status_message: 'card declined',
    });
    expect(child?.events).toMatchObject([{ name: 'retry', attributes: { attempt: 2 } }]);
  });
});

describe('OTLP/HTTP ingest refuses what it cannot accept', () => {
  const post = (body: Uint8Array | string, headers: Record<string, string>) =>
    fetch(`${ctx.server.url}/v1/traces`, { method: 'POST', body, headers });

  it('answers malformed protobuf with 400 and a Status body', async () => {
    const response = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
  });

  it('answers malformed JSON with 400 and says why', async () => {
    const response = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/JSON/i);
  });

  it('answers an unsupported content type with 415', async () => {
    expect((await post('hello', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('answers a gzip bomb with 413 without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    const response = await post(bomb, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(413);
  });

  it('answers a body over the limit with 413 and closes that connection', async () => {
    const response = await post(new Uint8Array(17 * 1024 * 1024), {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
  });

  it('cuts off a 100 MB upload without holding it in memory, and keeps serving', async () => {
    const before = process.memoryUsage().rss;
    const outcome = await post(new Uint8Array(100 * 1024 * 1024), {
      'content-type': 'application/x-protobuf',
    }).then(
      (response) => response.status,
      (error: Error) => error.message,
    );
    expect([413, 'fetch failed']).toContain(outcome);
    expect((await fetch(`${ctx.server.url}/livez`)).status).toBe(200);
    // The test process itself holds the 100 MB upload; the server side kept at most its limit.
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
  });

  it('answers GET with 405', async () => {
    const response = await fetch(`${ctx.server.url}/v1/traces`);
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({
      error: { code: 'PGTEL_METHOD_NOT_ALLOWED', message: 'GET is not allowed on /v1/traces' },
    });
  });
});
