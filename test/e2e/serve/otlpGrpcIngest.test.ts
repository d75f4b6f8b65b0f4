import { gzipSync } from 'node:zlib';
import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { rawExport } from '../../helpers/otlpGrpcClient.js';
import { startTestServer, stopTestServer, useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
const METRICS_SERVICE = 'opentelemetry.proto.collector.metrics.v1.MetricsService';

function grpcUrl(server: PgtelServer): string {
  if (!server.grpc) throw new Error('gRPC is off');
  return server.grpc.url;
}

/** Records a root span and a failed child under `service`, without exporting them. */
async function recordSpans(service: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('grpc-test', '1.0.0');
  const root = tracer.startSpan('checkout', { attributes: { 'http.method': 'POST', items: [1, 2, 3] } });
  const child = tracer.startSpan('charge card', {}, trace.setSpan(context.active(), root));
  child.setAttribute('amount', 12.5);
  child.addEvent('retry', { attempt: 2 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  root.end();
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

type ExportOutcome = { code: ExportResultCode; error?: Error & { code?: number; metadata?: Metadata } };

function exportSpans(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportOutcome> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function storedSpans(server: PgtelServer, traceId: string) {
  const { db } = server;
  const { rows } = await db.query<{
    span_id: string;
    parent_span_id: string | null;
    operation_name: string;
    service_name: string;
    status: string;
    status_message: string | null;
    attributes: Record<string, unknown>;
  }>(
    `SELECT span_id, parent_span_id, operation_name, service_name, status, status_message, attributes
       FROM ${db.table('spans')} WHERE trace_id = $1 ORDER BY parent_span_id NULLS FIRST`,
    [traceId],
  );
  return rows;
}

/** Collects on demand, so the test decides when the exporter sends. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe('OTLP/gRPC ingest with the OpenTelemetry SDK gRPC exporters as senders', () => {
  it.each([
    ['uncompressed', undefined],
    ['gzip', CompressionAlgorithm.GZIP],
  ])('stores spans sent %s exactly as sent', async (name, compression) => {
    const service = `grpc-${name}`;
    const spans = await recordSpans(service);
    const exporter = new OTLPTraceExporter({ url: grpcUrl(ctx.server), compression });
    try {
      expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
    } finally {
      await exporter.shutdown();
    }
    const root = spans.find((s) => s.name === 'checkout')!;
    const child = spans.find((s) => s.name === 'charge card')!;
    expect(await storedSpans(ctx.server, root.spanContext().traceId)).toEqual([
      {
        span_id: root.spanContext().spanId,
        parent_span_id: null,
        operation_name: 'checkout',
        service_name: service,
        status: 'unset',
        status_message: null,
        attributes: { 'http.method': 'POST', items: [1, 2, 3] },
      },
      {
        span_id: child.spanContext().spanId,
        parent_span_id: root.spanContext().spanId,
        operation_name: 'charge card',
        service_name: service,
        status: 'error',
        status_message: 'card declined',
        attributes: { amount: 12.5 },
      },
    ]);
  });

  it('stores the metric points of the gRPC metric exporter on its defaults (cumulative), gzip', async () => {
    const exporter = new OTLPMetricExporter({
      url: grpcUrl(ctx.server),
      compression: CompressionAlgorithm.GZIP,
    });
    const reader = new CollectingReader({
      aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'billing-grpc' }),
      readers: [reader],
    });
    const meter = provider.getMeter('grpc-test');
    meter.createCounter('g.requests').add(7, { route: '/pay' });
    meter.createGauge('g.temperature').record(21.5);
    const latency = meter.createHistogram('g.latency', { advice: { explicitBucketBoundaries: [10, 100] } });
    for (let i = 1; i <= 10; i++) latency.record(i * 10);
    const { resourceMetrics } = await reader.collect();
    const result = await new Promise<ExportOutcome>((resolve) => exporter.export(resourceMetrics, resolve));
    await provider.shutdown();
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    const { db } = ctx.server;
    const { rows } = await db.query<{
      metric_name: string;
      metric_type: string;
      total: number;
      samples: number;
    }>(
      `SELECT metric_name, metric_type, sum(metric_value) AS total, sum(sample_count)::int AS samples
         FROM ${db.table('metrics')} WHERE metric_name LIKE 'g.%' GROUP BY 1, 2 ORDER BY 1`,
    );
    // Cumulative points are stored as deltas, as over OTLP/HTTP: the first export of a series is all of it.
    expect(rows).toEqual([
      { metric_name: 'g.latency', metric_type: 'histogram', total: 55, samples: 10 },
      { metric_name: 'g.requests', metric_type: 'counter', total: 7, samples: 1 },
      { metric_name: 'g.temperature', metric_type: 'gauge', total: 21.5, samples: 1 },
    ]);
  });
});

describe('OTLP/gRPC answers', () => {
  const encodeTraces = (spans: object[]) =>
    otlpTypes.ExportTraceServiceRequest.encode({
      resourceSpans: [{ scopeSpans: [{ spans }] }],
    }).finish();
  // A minute ago: spans older than the spans' retention would be refused too.
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  const span = (traceId: Buffer, name: string) => ({
    traceId,
    spanId: Buffer.from('0102030405060708', 'hex'),
    name,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 500_000_000n).toString(),
  });

  it('reports spans it refused as partial success, storing the rest', async () => {
    const good = Buffer.from('aa'.repeat(16), 'hex');
    const body = encodeTraces([span(good, 'kept'), span(Buffer.from('abc'), 'bad id')]);
    const { response, error } = await rawExport(grpcUrl(ctx.server), TRACE_SERVICE, body, { gzip: true });
    expect(error).toBeUndefined();
    const decoded = otlpTypes.ExportTraceServiceResponse.toObject(
      otlpTypes.ExportTraceServiceResponse.decode(response!),
      { longs: Number },
    );
    expect(decoded.partialSuccess.rejectedSpans).toBe(1);
    expect(decoded.partialSuccess.errorMessage).toMatch(/trace id/);
    expect((await storedSpans(ctx.server, 'aa'.repeat(16))).map((s) => s.operation_name)).toEqual(['kept']);
  });

  it('answers INVALID_ARGUMENT to a message that is not protobuf, for traces and metrics', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    for (const service of [TRACE_SERVICE, METRICS_SERVICE]) {
      const { error } = await rawExport(grpcUrl(ctx.server), service, garbage);
      expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(error?.details).toMatch(/malformed protobuf/);
      // Not retryable: no RetryInfo.
      expect(error?.metadata.get('grpc-status-details-bin')).toEqual([]);
    }
  });

  it('answers UNIMPLEMENTED for a service pgtel does not serve', async () => {
    const { error } = await rawExport(
      grpcUrl(ctx.server),
      'opentelemetry.proto.collector.profiles.v1development.ProfilesService',
      new Uint8Array(),
    );
    expect(error?.code).toBe(GrpcStatus.UNIMPLEMENTED);
  });
});

describe('OTLP/gRPC limits, token and port', () => {
  const servers: PgtelServer[] = [];
  afterAll(async () => {
    for (const server of servers) await stopTestServer(server);
  });

  it('caps messages at maxBodyBytes before and after gzip: RESOURCE_EXHAUSTED, not retryable', async () => {
    const server = await startTestServer({ maxBodyBytes: 4096 });
    servers.push(server);
    // Field 15 (unknown, skipped by decoders) carrying zeros: 64 KiB that gzip squeezes under 4 KiB.
    const big = Buffer.concat([Buffer.from([0x7a, 0x80, 0x80, 0x04]), Buffer.alloc(65_536)]);
    expect(gzipSync(big).byteLength).toBeLessThan(4096);
    for (const gzip of [false, true]) {
      const { error } = await rawExport(grpcUrl(server), TRACE_SERVICE, big, { gzip });
      expect(error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(error?.metadata.get('grpc-status-details-bin')).toEqual([]);
    }
    const small = Buffer.concat([Buffer.from([0x7a, 0x80, 0x08]), Buffer.alloc(1024)]);
    expect((await rawExport(grpcUrl(server), TRACE_SERVICE, small, { gzip: true })).error).toBeUndefined();
  });

  it('requires the ingest token as authorization metadata: UNAUTHENTICATED without it', async () => {
    const token = 'grpc-ingest-token-0123456789';
    const server = await startTestServer({ apiToken: token, authScopes: ['ingest'] });
    servers.push(server);
    const spans = await recordSpans('grpc-token');
    const send = async (metadata?: Metadata) => {
      const exporter = new OTLPTraceExporter({ url: grpcUrl(server), metadata });
      try {
        return await exportSpans(exporter, spans);
      } finally {
        await exporter.shutdown();
      }
    };
    const withToken = (value: string) => {
      const metadata = new Metadata();
      metadata.set('authorization', value);
      return metadata;
    };
    for (const metadata of [undefined, withToken('Bearer wrong-token-0123456789'), withToken(token)]) {
      const result = await send(metadata);
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    }
    expect(await send(withToken(`Bearer ${token}`))).toEqual({ code: ExportResultCode.SUCCESS });
    const traceId = spans[0]!.spanContext().traceId;
    expect(await storedSpans(server, traceId)).toHaveLength(2);
  });

  it('leaves ingest open over gRPC when the token guards only other scopes', async () => {
    const server = await startTestServer({ apiToken: 'api-only-token-0123456789', authScopes: ['api'] });
    servers.push(server);
    const { error } = await rawExport(grpcUrl(server), TRACE_SERVICE, encodeTracesEmpty());
    expect(error).toBeUndefined();
  });

  it('refuses to start on a taken gRPC port, naming the port and the option', async () => {
    const taken = grpcUrl(ctx.server).split(':').pop()!;
    const start = startTestServer({ grpcPort: Number(taken) });
    await expect(start).rejects.toThrow(
      new RegExp(
        `OTLP/gRPC port ${taken} on 127\\.0\\.0\\.1 is already in use: set grpcPort \\(PGTEL_GRPC_PORT`,
      ),
    );
  });

  it('serves no gRPC with grpcPort off', async () => {
    const server = await startTestServer({ grpcPort: 'off' });
    servers.push(server);
    expect(server.grpc).toBeUndefined();
  });
});

function encodeTracesEmpty(): Uint8Array {
  return otlpTypes.ExportTraceServiceRequest.encode({}).finish();
}
