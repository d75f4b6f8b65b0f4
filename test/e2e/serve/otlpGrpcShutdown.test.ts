import { status as GrpcStatus } from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import { eventually } from '../../helpers/eventually.js';
import { rawExport } from '../../helpers/otlpGrpcClient.js';
import { onRealServer, testDatabaseUrl } from '../../helpers/testDatabase.js';
import { startTestServer } from '../../helpers/testServer.js';

const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

describe.runIf(onRealServer)('OTLP/gRPC in the shutdown sequence', () => {
  it('finishes a call in flight before closing, then refuses new calls', async () => {
    const server = await startTestServer();
    const target = server.grpc!.url;
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    provider.getTracer('shutdown').startSpan('in flight at shutdown').end();
    const spans = memory.getFinishedSpans();
    const traceId = spans[0]!.spanContext().traceId;
    // Another session holds the spans table: the export waits in the database, in flight.
    const locker = new pg.Client({ connectionString: testDatabaseUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${server.db.table('spans')} IN ACCESS EXCLUSIVE MODE`);
    const exporter = new OTLPTraceExporter({ url: target });
    try {
      const exported = new Promise<{ code: ExportResultCode }>((resolve) => exporter.export(spans, resolve));
      await eventually(async () => {
        const { rows } = await locker.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        return rows.length > 0 ? true : undefined;
      }, 'the export to wait on the lock');
      const closed = server.close();
      // Shutdown waits for the call (readiness already fails) and gRPC still serves while it drains.
      const empty = otlpTypes.ExportTraceServiceRequest.encode({}).finish();
      expect((await rawExport(target, TRACE_SERVICE, empty)).error).toBeUndefined();
      await locker.query('COMMIT');
      expect(await exported).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await closed).toMatchObject({ drained: true, exitCode: 0 });
      expect((await closed).hooks.map((h) => h.name)).toContain('OTLP/gRPC server');
      // Stored before the database closed.
      const check = new pg.Client({ connectionString: testDatabaseUrl });
      await check.connect();
      const { rows } = await check.query(
        `SELECT count(*)::int AS n FROM ${server.db.table('spans')} WHERE trace_id = $1`,
        [traceId],
      );
      expect(rows[0].n).toBe(1);
      await check.query(`DROP SCHEMA ${quoteIdent(server.db.schema)} CASCADE`);
      await check.end();
      const after = await rawExport(target, TRACE_SERVICE, empty);
      expect(after.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    } finally {
      await exporter.shutdown();
      await provider.shutdown();
      await locker.end();
    }
  });
});
