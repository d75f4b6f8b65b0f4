import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as OtlpHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import { rawExport } from '../../helpers/otlpGrpcClient.js';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
const LOGS_SERVICE = 'opentelemetry.proto.collector.logs.v1.LogsService';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** Log records made by the OpenTelemetry logs SDK for `service`, not yet exported. */
function makeRecords(service: string, emit: (logger: ReturnType<LoggerProvider['getLogger']>) => void) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  emit(provider.getLogger('logs-e2e', '1.0.0'));
  return memory.getFinishedLogRecords();
}

function exportWith(exporter: LogRecordExporter, records: ReadableLogRecord[]) {
  return new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
    exporter.export(records, resolve),
  );
}

interface StoredLog {
  severity_number: number;
  severity_text: string | null;
  body: string;
  body_json: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
}

async function storedLogs(service: string): Promise<StoredLog[]> {
  const { db } = ctx.server;
  const { rows } = await db.query<StoredLog>(
    `SELECT severity_number, severity_text, body, body_json, attributes, resource, scope, trace_id, span_id
       FROM ${db.table('logs')} WHERE service_name = $1 ORDER BY time, body`,
    [service],
  );
  return rows;
}

const inSpan = trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });

describe('OTLP logs ingest with the OpenTelemetry exporters as senders', () => {
  it.each([
    [
      'protobuf, gzip',
      (url: string) => new OtlpProtoLogExporter({ url, compression: CompressionAlgorithm.GZIP }),
    ],
    [
      'JSON, gzip',
      (url: string) => new OtlpHttpJsonLogExporter({ url, compression: CompressionAlgorithm.GZIP }),
    ],
    ['protobuf', (url: string) => new OtlpProtoLogExporter({ url })],
  ])('stores records sent as %s, with and without trace context, once when resent', async (name, make) => {
    const service = `logs-${name.replace(/\W+/g, '-')}`;
    const records = makeRecords(service, (logger) => {
      logger.emit({
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: 'paiement refusé ✗ 支付失败',
        attributes: { 'order.id': 42, retry: true },
        context: inSpan,
      });
      logger.emit({ severityNumber: SeverityNumber.INFO, body: { event: 'cart', items: [1, 2] } });
    });
    const exporter = make(`${ctx.server.url}/v1/logs`);
    expect((await exportWith(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportWith(exporter, records)).code).toBe(ExportResultCode.SUCCESS); // a resend
    await exporter.shutdown();
    const stored = await storedLogs(service);
    expect(stored).toHaveLength(2);
    expect(stored.find((r) => r.trace_id !== null)).toMatchObject({
      severity_number: 17,
      severity_text: 'ERROR',
      body: 'paiement refusé ✗ 支付失败',
      body_json: null,
      attributes: { 'order.id': 42, retry: true },
      resource: { 'deployment.environment': 'test' },
      scope: { name: 'logs-e2e', version: '1.0.0' },
      trace_id: TRACE_ID,
      span_id: SPAN_ID,
    });
    expect(stored.find((r) => r.trace_id === null)).toMatchObject({
      severity_number: 9,
      body_json: { event: 'cart', items: [1, 2] },
      span_id: null,
    });
  });

  it('stores a multi-megabyte body cut to 1 MiB and marked, and finds it by a word', async () => {
    const service = 'logs-huge';
    const body = `needle ${'données '.repeat(500_000)}`; // about 4.5 MB
    const records = makeRecords(service, (logger) =>
      logger.emit({ body, attributes: { big: 'x'.repeat(70_000) } }),
    );
    const exporter = new OtlpProtoLogExporter({
      url: `${ctx.server.url}/v1/logs`,
      compression: CompressionAlgorithm.GZIP,
    });
    expect((await exportWith(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    const [stored] = await storedLogs(service);
    expect(Buffer.byteLength(stored!.body)).toBeLessThanOrEqual(1_048_576);
    expect(Buffer.byteLength(stored!.body)).toBeGreaterThan(1_048_000);
    expect(stored!.attributes['pgtel.truncated']).toEqual(['body', 'attributes.big']);
    const { db } = ctx.server;
    const found = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${db.table('logs')}
        WHERE to_tsvector('simple', left(body, 100000)) @@ to_tsquery('simple', 'needle') AND service_name = $1`,
      [service],
    );
    expect(found.rows[0]!.n).toBe(1);
  });

  it('refuses records outside the time window and with bad ids in the partial success, storing the rest', async () => {
    const service = 'logs-refused';
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(now),
                  body: { stringValue: 'kept' },
                  severityNumber: 'SEVERITY_NUMBER_WARN',
                },
                { timeUnixNano: '1000', body: { stringValue: 'from 1970' } },
                { timeUnixNano: String(now), body: { stringValue: 'bad id' }, traceId: 'abc' },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${ctx.server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(body)),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedLogRecords).toBe('2');
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid trace id/);
    expect(answer.partialSuccess.errorMessage).toMatch(
      /1970-01-01T00:00:00Z is older than the 14-day retention/,
    );
    expect((await storedLogs(service)).map((r) => [r.body, r.severity_number])).toEqual([['kept', 13]]);
  });

  it('answers 400 to bad bodies and stores nothing of them', async () => {
    const { db } = ctx.server;
    const count = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${db.table('logs')}`)).rows[0]!.n;
    const before = await count();
    for (const [type, payload] of [
      ['application/x-protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])],
      ['application/json', Buffer.from('{"resourceLogs": [')],
      [
        'application/json',
        Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"x"}]}]}]}'),
      ],
    ] as const) {
      const response = await fetch(`${ctx.server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: payload,
      });
      expect(response.status).toBe(400);
    }
    expect(await count()).toBe(before);
  });

  it('serves the gRPC LogsService with the same partial success', async () => {
    const service = 'logs-grpc';
    const request = otlpTypes.ExportLogsServiceRequest.encode({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: Date.now() * 1e6, body: { stringValue: 'over gRPC' } },
                {
                  timeUnixNano: Date.now() * 1e6,
                  body: { stringValue: 'bad span' },
                  spanId: Buffer.from('ab'),
                },
              ],
            },
          ],
        },
      ],
    }).finish();
    const { response, error } = await rawExport(ctx.server.grpc!.url, LOGS_SERVICE, request, { gzip: true });
    expect(error).toBeUndefined();
    const decoded = otlpTypes.ExportLogsServiceResponse.toObject(
      otlpTypes.ExportLogsServiceResponse.decode(response!),
      { longs: Number },
    );
    expect(decoded.partialSuccess.rejectedLogRecords).toBe(1);
    expect((await storedLogs(service)).map((r) => r.body)).toEqual(['over gRPC']);
  });
});
