import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { createLogger } from '../../../src/logger.js';
import { PostgreSQLSpanExporter } from '../../../src/tracing/PostgreSQLSpanExporter.js';
import { proxyTo } from '../../helpers/tcpProxy.js';
import { testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';
import { recordSpans, someSpans } from '../../unit/tracing/recordSpans.js';
import { databaseToLose } from './spanPipelineDatabase.js';

const ctx = useTestDatabase();
const quiet = createLogger('silent');

async function countSpans(service: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ctx.db.table('spans')} WHERE service_name = $1`,
    [service],
  );
  return rows[0]!.n;
}

/** The result, with the number of the spans stored when the exporter called back. */
function exportNow(
  exporter: PostgreSQLSpanExporter,
  spans: ReadableSpan[],
  service: string,
): Promise<{ result: ExportResult; storedAtCallback: Promise<number> }> {
  return new Promise((resolve) =>
    exporter.export(spans, (result) => resolve({ result, storedAtCallback: countSpans(service) })),
  );
}

describe('PostgreSQLSpanExporter', () => {
  it('stores every field of a span and reports SUCCESS once it is committed', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet });
    const spans = recordSpans(
      (tracer) => {
        const s = tracer.startSpan('GET /orders', {
          kind: 1,
          startTime: new Date('2026-05-02T03:04:05.678Z'),
        });
        s.setAttributes({ 'http.status_code': 500, tags: ['a', 'b'], ratio: Number.NaN });
        s.addEvent('exception', { 'exception.message': 'bad\u0000thing \ud800' });
        s.setStatus({ code: 2, message: 'server error' });
        s.end(new Date('2026-05-02T03:04:06.000Z'));
      },
      { service: 'fields' },
    );
    const { result, storedAtCallback } = await exportNow(exporter, spans, 'fields');
    expect(result.code).toBe(0);
    expect(await storedAtCallback).toBe(1);
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT * FROM ${ctx.db.table('spans')} WHERE service_name = 'fields'`,
    );
    const row = rows[0]!;
    expect(row.operation_name).toBe('GET /orders');
    expect(row.kind).toBe('server');
    expect(row.status).toBe('error');
    expect(row.status_message).toBe('server error');
    expect(row.trace_id).toBe(spans[0]!.spanContext().traceId);
    expect((row.start_time as Date).toISOString()).toBe('2026-05-02T03:04:05.678Z');
    expect(row.duration_ms).toBeCloseTo(322, 6);
    expect(row.attributes).toEqual({ 'http.status_code': 500, tags: ['a', 'b'], ratio: 'NaN' });
    expect((row.events as { attributes: Record<string, string> }[])[0]!.attributes['exception.message']).toBe(
      'bad\uFFFDthing \uFFFD',
    );
    expect(row.resource).toMatchObject({ 'service.name': 'fields' });
    expect(row.scope).toEqual({ name: 'unit-scope', version: '1.2.3' });
    await exporter.shutdown();
    expect(exporter.stats()).toMatchObject({ exported: 1, rejected: 0, failed: 0 });
  });

  it('stores a span with 10,000 attributes and a 1 MB string', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet, maxStringLength: 2_000_000 });
    const spans = recordSpans(
      (tracer) => {
        const s = tracer.startSpan('wide');
        for (let i = 0; i < 10_000; i++) s.setAttribute(`attr.${i}`, i % 2 ? `v${i}` : i);
        s.setAttribute('big', 'x'.repeat(1_000_000));
        s.end();
      },
      { service: 'wide', attributeCountLimit: 20_000 },
    );
    expect((await exportNow(exporter, spans, 'wide')).result.code).toBe(0);
    const { rows } = await ctx.db.query<{ n: number; big: number }>(
      `SELECT (SELECT count(*) FROM jsonb_object_keys(attributes))::int AS n, length(attributes->>'big') AS big
         FROM ${ctx.db.table('spans')} WHERE service_name = 'wide'`,
    );
    expect(rows[0]).toEqual({ n: 10_001, big: 1_000_000 });
  });

  it('counts a span exported twice once (an earlier attempt got through)', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet });
    const spans = someSpans(4, 'twice');
    await exportNow(exporter, spans, 'twice');
    expect((await exportNow(exporter, spans, 'twice')).result.code).toBe(0);
    expect(await countSpans('twice')).toBe(4);
    expect(exporter.stats()).toMatchObject({ rejected: 0, exported: 8 });
  });

  it('reports FAILED after shutdown', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet });
    await exporter.shutdown();
    const { result } = await exportNow(exporter, someSpans(2, 'after-shutdown'), 'after-shutdown');
    expect(result).toMatchObject({ code: 1, error: { message: /shut down/ } });
    expect(await countSpans('after-shutdown')).toBe(0);
    expect(exporter.stats().failed).toBe(2);
  });

  it("fails the export when the database stays away past its time budget, and the SDK's batch processor sees it", async () => {
    const away = await databaseToLose(ctx.db.schema);
    const exporter = new PostgreSQLSpanExporter({
      db: away.db,
      logger: quiet,
      retry: { baseMs: 5, maxMs: 20 },
      exportTimeoutMs: 300,
    });
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    try {
      await away.lose();
      for (let i = 0; i < 3; i++) provider.getTracer('outage').startSpan(`lost ${i}`).end();
      // The batch processor rejects its flush with the exporter's error: the SDK knows the spans are lost.
      // The provider rejects its flush with the list of its processors' errors.
      await expect(provider.forceFlush()).rejects.toEqual([
        expect.objectContaining({ message: expect.stringMatching(/connect|terminat|ECONN|closed/i) }),
      ]);
      expect(exporter.stats()).toMatchObject({ exported: 0, failed: 3 });
      expect(exporter.stats().retries).toBeGreaterThan(0);
    } finally {
      await provider.shutdown();
      await away.close();
    }
  });

  it.skipIf(!testDatabaseUrl)(
    'retries within its time budget: a database that stops mid-export and comes back gets every span',
    async () => {
      const proxy = await proxyTo(testDatabaseUrl!);
      const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 2 });
      const exporter = new PostgreSQLSpanExporter({
        db,
        logger: quiet,
        retry: { baseMs: 5, maxMs: 50 },
        exportTimeoutMs: 30_000,
      });
      try {
        await proxy.stop();
        const exported = exportNow(exporter, someSpans(20, 'restart'), 'restart');
        while (exporter.stats().retries === 0) await new Promise((r) => setImmediate(r));
        expect(exporter.stats().lastError).toMatch(/connect|terminat|ECONN/i);
        await proxy.start();
        const { result, storedAtCallback } = await exported;
        expect(result.code).toBe(0);
        expect(await storedAtCallback).toBe(20);
        expect(exporter.stats()).toMatchObject({ exported: 20, failed: 0, rejected: 0 });
      } finally {
        await exporter.shutdown();
        await db.close();
        await proxy.stop();
      }
    },
  );
});
