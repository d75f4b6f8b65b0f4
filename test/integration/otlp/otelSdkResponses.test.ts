import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { encodeStatus, encodeTraceResponse } from '../../../src/otlp/encodeResponse.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import {
  type CapturedRequest,
  type CaptureReply,
  type CaptureServer,
  startCaptureServer,
} from './captureServer.js';

const warnings: string[] = [];
const logger: DiagLogger = {
  error: () => {},
  warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

async function oneSpan() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('t').startSpan('op').end();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

/** What an OTLP/HTTP server built on the decoders answers: 200 with partial success, or a Status. */
async function answer(request: CapturedRequest, extraRejected: number): Promise<CaptureReply> {
  const contentType = request.headers['content-type'];
  try {
    const decoded = await decodeTraceRequest(request.body, contentType, request.headers['content-encoding']);
    const rejected = decoded.rejected + extraRejected;
    const result = { rejected, errorMessage: rejected > 0 ? `rejected ${rejected} spans: over quota` : '' };
    return { status: 200, ...encodeTraceResponse(result, contentType) };
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    return { status: error.httpStatus, ...encodeStatus({ message: error.message }, contentType) };
  }
}

const exporters = {
  protobuf: (url: string) => new ProtoTraceExporter({ url }),
  json: (url: string) => new JsonTraceExporter({ url }),
};

describe.each(['protobuf', 'json'] as const)('the SDK %s exporter reads the responses', (format) => {
  let server: CaptureServer;
  let extraRejected = 0;

  beforeAll(async () => {
    server = await startCaptureServer((request) => answer(request, extraRejected));
    diag.setLogger(logger, DiagLogLevel.WARN);
  });
  afterEach(() => {
    warnings.length = 0;
    extraRejected = 0;
  });
  afterAll(async () => {
    diag.disable();
    await server.close();
  });

  async function send(path: string) {
    const exporter = exporters[format](`${server.url}${path}`);
    const spans = await oneSpan();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
      exporter.export(spans, resolve),
    );
    await exporter.shutdown();
    return result;
  }

  test('a partial success is a success that the exporter reports with our count and message', async () => {
    extraRejected = 2;
    const result = await send('/v1/traces');
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const warning = warnings.find((w) => w.includes('Partial Success'));
    expect(warning).toContain('rejected 2 spans: over quota');
    expect(warning).toMatch(/"rejectedSpans":"?2"?/);
  });

  test('a full success logs no partial-success warning', async () => {
    const result = await send('/v1/traces');
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(warnings.filter((w) => w.includes('Partial Success'))).toEqual([]);
  });
});

describe('error answers reach the SDK exporter as non-retryable failures with our message', () => {
  let server: CaptureServer;

  beforeAll(async () => {
    // Decoding with the wrong content type declared: 415 and a Status body.
    server = await startCaptureServer((request) =>
      answer({ ...request, headers: { ...request.headers, 'content-type': 'text/plain' } }, 0),
    );
  });
  afterAll(() => server.close());

  test.each(['protobuf', 'json'] as const)('%s', async (format) => {
    const exporter = exporters[format](`${server.url}/v1/traces`);
    const spans = await oneSpan();
    const before = server.requests.length;
    const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
      exporter.export(spans, resolve),
    );
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 415 });
    expect((result.error as Error & { data?: string }).data).toContain('unsupported content type');
    expect(server.requests.length - before).toBe(1); // not retried
  });
});
