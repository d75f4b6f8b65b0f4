import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { encodeTraceResponse } from '../../../src/otlp/encodeResponse.js';
import type { OtlpSpan } from '../../../src/otlp/otlpModel.js';
import { type CaptureServer, startCaptureServer } from './captureServer.js';

type HrTime = [number, number];
type Compression = NonNullable<
  NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>['compression']
>;

const nanos = ([seconds, ns]: HrTime) => BigInt(seconds) * 1_000_000_000n + BigInt(ns);
const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];

/** Spans that use every field OTLP carries: all attribute types, events, links, status, trace state. */
async function recordSpans(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.cpus': 4, 'feature.on': true }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('pgtel-otlp-test', '1.2.3');
  const root = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, 123_456_789],
    attributes: {
      'http.method': 'GET',
      'http.status_code': 200,
      'big.int': 2 ** 40,
      'negative.int': -17,
      ratio: 0.125,
      'cache.hit': false,
      tags: ['a', 'b', 'ünïcødé ✓'],
      ints: [1, 2, 3],
      doubles: [1.5, -2.25],
      flags: [true, false],
    },
  });
  root.addEvent('cache.miss', { key: 'orders:42', attempt: 2 }, [1_700_000_000, 500_000_001]);
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  const job = tracer.startSpan('enqueue job', { kind: SpanKind.CONSUMER });
  job.end();
  const query = tracer.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      links: [{ context: job.spanContext(), attributes: { 'link.reason': 'follows' } }],
    },
    rootContext,
  );
  query.recordException(new Error('connection reset'), [1_700_000_001, 2]);
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  query.end([1_700_000_001, 999_999_999]);
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=x'),
  });
  tracer.startSpan('publish', { kind: SpanKind.PRODUCER }, remoteParent).end();
  tracer.startSpan('internal step').end();
  root.setStatus({ code: SpanStatusCode.OK });
  root.end([1_700_000_002, 0]);
  const finished = memory.getFinishedSpans(); // before shutdown, which empties the exporter
  await provider.shutdown();
  return finished;
}

function expectedSpan(span: ReadableSpan) {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    traceState: context.traceState?.serialize() ?? '',
    name: span.name,
    kind: KINDS[span.kind],
    startTimeUnixNano: nanos(span.startTime),
    startTime: new Date(Number(nanos(span.startTime) / 1_000_000n)),
    endTimeUnixNano: nanos(span.endTime),
    endTime: new Date(Number(nanos(span.endTime) / 1_000_000n)),
    attributes: span.attributes,
    events: span.events.map((event) => ({
      timeUnixNano: nanos(event.time),
      time: new Date(Number(nanos(event.time) / 1_000_000n)),
      name: event.name,
      attributes: event.attributes ?? {},
      droppedAttributesCount: event.droppedAttributesCount ?? 0,
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      traceState: '',
      attributes: link.attributes ?? {},
      droppedAttributesCount: link.droppedAttributesCount ?? 0,
      flags: expect.any(Number),
    })),
    status: { code: STATUS[span.status.code], message: span.status.message ?? '' },
    flags: expect.any(Number),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

const exporters = {
  protobuf: (url: string, compression: Compression) => new ProtoTraceExporter({ url, compression }),
  json: (url: string, compression: Compression) => new JsonTraceExporter({ url, compression }),
};

describe('OTLP traces sent by the OpenTelemetry JS SDK exporters', () => {
  let server: CaptureServer;
  let spans: ReadableSpan[];

  beforeAll(async () => {
    spans = await recordSpans();
    server = await startCaptureServer((request) => ({
      status: 200,
      ...encodeTraceResponse({ rejected: 0, errorMessage: '' }, request.headers['content-type']),
    }));
  });
  afterAll(() => server.close());

  const cases = [
    ['protobuf', 'none', 'application/x-protobuf'],
    ['protobuf', 'gzip', 'application/x-protobuf'],
    ['json', 'none', 'application/json'],
    ['json', 'gzip', 'application/json'],
  ] as const;

  test.each(cases)('%s, compression %s: every span field round-trips', async (format, compression, type) => {
    const exporter = exporters[format](`${server.url}/v1/traces`, compression as Compression);
    const before = server.requests.length;
    const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
      exporter.export(spans, resolve),
    );
    await exporter.shutdown();
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);

    const [request] = server.requests.slice(before);
    expect(request!.path).toBe('/v1/traces');
    expect(request!.headers['content-type']).toBe(type);
    expect(request!.headers['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
    const decoded = await decodeTraceRequest(
      request!.body,
      request!.headers['content-type'],
      request!.headers['content-encoding'],
    );

    expect(decoded.rejected).toBe(0);
    expect(decoded.errorMessage).toBe('');
    expect(spans).toHaveLength(5);
    expect(decoded.spans).toHaveLength(spans.length);
    const bySpanId = new Map<string, OtlpSpan>(decoded.spans.map((span) => [span.spanId, span]));
    for (const span of spans) {
      const got = bySpanId.get(span.spanContext().spanId)!;
      const { resource, scope, ...fields } = got;
      expect(fields).toEqual(expectedSpan(span));
      expect(resource.attributes).toEqual(span.resource.attributes);
      expect(resource.serviceName).toBe('checkout');
      expect(scope).toMatchObject({ name: 'pgtel-otlp-test', version: '1.2.3' });
    }
    const byName = new Map(decoded.spans.map((span) => [span.name, span]));
    expect(byName.get('SELECT orders')!.status).toEqual({ code: 'error', message: 'connection reset' });
    expect(byName.get('SELECT orders')!.events[0]!.attributes['exception.message']).toBe('connection reset');
    expect(byName.get('publish')!).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      parentSpanId: 'eee19b7ec3c1b174',
      traceState: 'vendor=abc,other=x',
      kind: 'producer',
    });
    expect(byName.get('GET /orders/:id')!.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
  });
});
