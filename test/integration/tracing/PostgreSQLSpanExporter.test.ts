import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { createLogger } from '../../../src/logger.js';
import { PostgreSQLSpanExporter } from '../../../src/tracing/PostgreSQLSpanExporter.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import {
  disposeTestDatabase,
  openTestDatabase,
  testDatabaseUrl,
  useTestDatabase,
} from '../../helpers/testDatabase.js';
import { recordSpans, someSpans } from '../../unit/tracing/recordSpans.js';

const ctx = useTestDatabase();

async function proxyTo(databaseUrl: string): Promise<TcpProxy & { url: string }> {
  const url = new URL(databaseUrl);
  const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
  await proxy.start();
  url.host = `127.0.0.1:${proxy.port}`;
  return Object.assign(proxy, { url: url.toString() });
}
const quiet = createLogger('silent');

function exportNow(exporter: PostgreSQLSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function countSpans(service: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ctx.db.table('spans')} WHERE service_name = $1`,
    [service],
  );
  return rows[0]!.n;
}

describe('PostgreSQLSpanExporter', () => {
  it('stores every field of a span', async () => {
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
    expect((await exportNow(exporter, spans)).code).toBe(0);
    await exporter.forceFlush();
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT * FROM ${ctx.db.table('spans')} WHERE service_name = 'fields'`,
    );
    expect(rows).toHaveLength(1);
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
    expect(exporter.stats()).toMatchObject({ exported: 1, dropped: 0, rejected: 0, queued: 0 });
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
    await exportNow(exporter, spans);
    await exporter.shutdown();
    const { rows } = await ctx.db.query<{ n: number; big: number }>(
      `SELECT (SELECT count(*) FROM jsonb_object_keys(attributes))::int AS n, length(attributes->>'big') AS big
         FROM ${ctx.db.table('spans')} WHERE service_name = 'wide'`,
    );
    expect(rows[0]).toEqual({ n: 10_001, big: 1_000_000 });
  });

  it('drops and counts spans beyond the queue bound without blocking, warning once', async () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger, maxQueueSize: 5 });
    const result = await exportNow(exporter, someSpans(8, 'bounded'));
    expect(result.code).toBe(1);
    expect((await exportNow(exporter, someSpans(2, 'bounded'))).code).toBe(1);
    expect(exporter.stats()).toMatchObject({ queued: 5, dropped: 5 });
    expect(lines.filter((l) => l.includes('span queue full'))).toHaveLength(1);
    await exporter.shutdown();
    expect(await countSpans('bounded')).toBe(5);
    expect(exporter.stats()).toMatchObject({ queued: 0, exported: 5, dropped: 5 });
  });

  it('writes queued spans on shutdown and refuses (and counts) spans after it', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet, flushIntervalMs: 60_000 });
    await exportNow(exporter, someSpans(50, 'shutdown'));
    expect(await countSpans('shutdown')).toBe(0);
    await exporter.shutdown();
    expect(await countSpans('shutdown')).toBe(50);
    expect((await exportNow(exporter, someSpans(2, 'shutdown'))).code).toBe(1);
    expect(exporter.stats()).toMatchObject({ exported: 50, dropped: 2 });
  });

  it('writes in batches without losing any span', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet, maxBatchSize: 7 });
    await exportNow(exporter, someSpans(100, 'batches'));
    await exporter.forceFlush();
    expect(await countSpans('batches')).toBe(100);
    await exporter.shutdown();
  });

  it('counts a span exported twice once (an earlier attempt got through)', async () => {
    const exporter = new PostgreSQLSpanExporter({ db: ctx.db, logger: quiet });
    const spans = someSpans(4, 'twice');
    await exportNow(exporter, spans);
    await exporter.forceFlush();
    await exportNow(exporter, spans);
    await exporter.shutdown();
    expect(await countSpans('twice')).toBe(4);
    expect(exporter.stats()).toMatchObject({ rejected: 0, exported: 8 });
  });

  it.skipIf(!testDatabaseUrl)('counts the batch being retried against the queue bound', async () => {
    const proxy = await proxyTo(testDatabaseUrl!);
    const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 1 });
    const exporter = new PostgreSQLSpanExporter({
      db,
      logger: quiet,
      maxQueueSize: 5,
      maxBatchSize: 3,
      retry: { baseMs: 5, maxMs: 20 },
      flushTimeoutMs: 200,
    });
    try {
      await proxy.stop();
      await exportNow(exporter, someSpans(3, 'bound-retry'));
      while (exporter.stats().retries === 0) await new Promise((r) => setImmediate(r));
      // Three spans are in the batch being retried: only two more fit under the bound of five.
      expect((await exportNow(exporter, someSpans(5, 'bound-retry'))).code).toBe(1);
      expect(exporter.stats()).toMatchObject({ queued: 5, dropped: 3 });
      await exporter.shutdown();
      expect(exporter.stats()).toMatchObject({ queued: 0, dropped: 8, exported: 0 });
    } finally {
      await exporter.shutdown();
      await db.close();
    }
  });

  it.skipIf(!testDatabaseUrl)(
    'keeps spans through a database that stops mid-export and restarts, then stores them',
    async () => {
      const proxy = await proxyTo(testDatabaseUrl!);
      const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 2 });
      const exporter = new PostgreSQLSpanExporter({
        db,
        logger: quiet,
        retry: { baseMs: 5, maxMs: 50 },
        flushTimeoutMs: 30_000,
      });
      try {
        await exportNow(exporter, someSpans(10, 'restart'));
        await exporter.forceFlush();
        await proxy.stop();
        await exportNow(exporter, someSpans(20, 'restart'));
        const flushed = exporter.forceFlush();
        // The writer retries while the server is unreachable; bring it back once it has failed once.
        while (exporter.stats().retries === 0) await new Promise((r) => setImmediate(r));
        expect(exporter.stats().lastError).toMatch(/connect|terminat|ECONN/i);
        await proxy.start();
        await flushed;
        expect(await countSpans('restart')).toBe(30);
        expect(exporter.stats()).toMatchObject({ exported: 30, dropped: 0, rejected: 0, queued: 0 });
      } finally {
        await exporter.shutdown();
        await db.close();
        await proxy.stop();
      }
    },
  );

  it('gives up at shutdown when the database stays unreachable, counting what it drops', async () => {
    // Unreachable: a closed embedded database, or the real server behind a proxy that is down.
    const proxy = testDatabaseUrl ? await proxyTo(testDatabaseUrl) : undefined;
    const db = proxy
      ? await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 2 })
      : await openTestDatabase();
    const exporter = new PostgreSQLSpanExporter({
      db,
      logger: quiet,
      retry: { baseMs: 1, maxMs: 5 },
      flushTimeoutMs: 200,
    });
    await exportNow(exporter, someSpans(3, 'gone'));
    if (proxy) await proxy.stop();
    else await disposeTestDatabase(db);
    await exporter.shutdown();
    expect(exporter.stats()).toMatchObject({ exported: 0, dropped: 3, queued: 0 });
    expect(exporter.stats().retries).toBeGreaterThan(0);
    if (proxy) await db.close();
  });
});
