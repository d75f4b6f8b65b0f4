import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { spawnServe } from '../../helpers/serveProcess.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-serve-grpc-'));
const schema = uniqueSchema('servegrpc');

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

/** The store of one process: the shared schema on the real server, a data folder of its own on PGlite. */
function storeEnv(name: string): Record<string, string | undefined> {
  return onRealServer
    ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, PGTEL_SHUTDOWN_DELAY_MS: '0' }
    : { DATABASE_URL: '', PGTEL_DATA_DIR: join(folder, name), PGTEL_SHUTDOWN_DELAY_MS: '0' };
}

describe('pgtel serve with OTLP/gRPC', () => {
  it('runs two processes at once on free gRPC ports, stores what the gRPC exporter sends, and refuses a taken port', async () => {
    const [first, second] = await Promise.all([
      spawnServe([], storeEnv('first'), 150_000),
      spawnServe(['--grpc-port', 'off'], storeEnv('second'), 150_000),
    ]);
    try {
      expect(first.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.output()).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=${first.grpcUrl}`);
      expect(first.output()).toContain('export OTEL_EXPORTER_OTLP_PROTOCOL=grpc');
      expect(second.grpcUrl).toBeUndefined();
      expect(second.output()).toMatch(/OTLP\/gRPC\s+off/);

      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'grpc-process' }),
        spanProcessors: [new SimpleSpanProcessor(memory)],
      });
      provider
        .getTracer('serve-grpc')
        .startSpan('over grpc', { attributes: { batch: 7 } })
        .end();
      const spans = memory.getFinishedSpans();
      await provider.shutdown();
      const exporter = new OTLPTraceExporter({ url: first.grpcUrl, compression: CompressionAlgorithm.GZIP });
      const result = await new Promise<{ code: ExportResultCode }>((resolve) =>
        exporter.export(spans, resolve),
      );
      await exporter.shutdown();
      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      const { traceId, spanId } = spans[0]!.spanContext();
      const stored = (await (await fetch(`${first.url}/api/traces/${traceId}`)).json()) as {
        spans: { spanId: string; operationName: string; serviceName: string; attributes: unknown }[];
      };
      expect(stored.spans).toMatchObject([
        { spanId, operationName: 'over grpc', serviceName: 'grpc-process', attributes: { batch: 7 } },
      ]);

      const port = first.grpcUrl!.split(':').pop()!;
      const taken = await spawnServe([], { ...storeEnv('third'), PGTEL_GRPC_PORT: port }, 150_000).then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(taken).toMatch(/exited with 1/);
      expect(taken).toContain(
        `OTLP/gRPC port ${port} on 127.0.0.1 is already in use: set grpcPort (PGTEL_GRPC_PORT, --grpc-port)`,
      );
    } finally {
      first.child.kill('SIGTERM');
      second.child.kill('SIGTERM');
      // Both gone before the schema is dropped.
      await Promise.all([first.exited, second.exited]);
    }
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
  }, 300_000);
});
