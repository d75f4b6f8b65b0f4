import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
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
import { describe, expect, it } from 'vitest';
import { readRetryInfoStatus } from '../../../src/grpc/retryInfoStatus.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { eventually } from '../../helpers/eventually.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';

type ExportOutcome = { code: ExportResultCode; error?: Error & { code?: number; metadata?: Metadata } };

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function recordSpans(name: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'outage-grpc' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  provider.getTracer('outage').startSpan(name).end();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

async function spanCount(server: PgtelServer, traceId: string): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${server.db.table('spans')} WHERE trace_id = $1`,
    [traceId],
  );
  return rows[0]!.n;
}

/** What the status details of a failed export say: its code and the retry delay asked for. */
function retryInfoOf(error: ExportOutcome['error']) {
  const details = error?.metadata?.get('grpc-status-details-bin')[0];
  return Buffer.isBuffer(details) ? readRetryInfoStatus(details) : undefined;
}

describe.runIf(onRealServer)('OTLP/gRPC while the database is away', () => {
  it('answers UNAVAILABLE with RetryInfo, and the same export retried after the restart is stored once', async () => {
    const url = new URL(testDatabaseUrl!);
    const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.start();
    url.host = `127.0.0.1:${proxy.port}`;
    // Spool off: this is the answer when pgtel cannot keep a request (with the spool on, it is kept: OK).
    const server = await startTestServer({ databaseUrl: url.toString(), poolSize: 2, spoolMaxBytes: 0 });
    const target = server.grpc!.url;
    const traces = new OTLPTraceExporter({ url: target, compression: CompressionAlgorithm.GZIP });
    const metrics = new OTLPMetricExporter({ url: target, compression: CompressionAlgorithm.GZIP });
    const reader = new CollectingReader({
      aggregationTemporalitySelector: (type) => metrics.selectAggregationTemporality(type),
    });
    const meters = new MeterProvider({ readers: [reader] });
    meters.getMeter('outage').createCounter('outage.grpc.jobs').add(3);
    const exportSpans = (spans: ReadableSpan[]) =>
      new Promise<ExportOutcome>((resolve) => traces.export(spans, resolve));
    const exportMetrics = async () => {
      const { resourceMetrics } = await reader.collect();
      return new Promise<ExportOutcome>((resolve) => metrics.export(resourceMetrics, resolve));
    };
    try {
      const before = await recordSpans('before the outage');
      expect(await exportSpans(before)).toEqual({ code: ExportResultCode.SUCCESS });

      await proxy.stop();
      const during = await recordSpans('during the outage');
      const traceId = during[0]!.spanContext().traceId;
      for (const outcome of [await exportSpans(during), await exportMetrics()]) {
        expect(outcome.code).toBe(ExportResultCode.FAILED);
        expect(outcome.error?.code).toBe(GrpcStatus.UNAVAILABLE);
        // The OTLP specification's retryable answer: UNAVAILABLE, with when to come back.
        expect(retryInfoOf(outcome.error)).toEqual({
          code: GrpcStatus.UNAVAILABLE,
          message: 'storage unavailable, retry later',
          retryDelayMs: 5000,
        });
      }

      await proxy.start();
      // The exporter's retry: the same batch again (the JS gRPC exporter leaves retrying to its
      // caller; the Collector's retry_on_failure resends the same way).
      await eventually(async () => {
        const outcome = await exportSpans(during);
        return outcome.code === ExportResultCode.SUCCESS ? outcome : undefined;
      }, 'the retried export to succeed');
      expect(await exportSpans(during)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await spanCount(server, traceId)).toBe(1);
      expect(await exportMetrics()).toEqual({ code: ExportResultCode.SUCCESS });
      const { rows } = await server.db.query<{ metric_value: number }>(
        `SELECT metric_value FROM ${server.db.table('metrics')} WHERE metric_name = 'outage.grpc.jobs'`,
      );
      expect(rows.map((r) => r.metric_value)).toContain(3);
    } finally {
      await traces.shutdown();
      await metrics.shutdown();
      await meters.shutdown();
      await stopTestServer(server);
      await proxy.stop();
    }
  });
});
