import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { createLogger } from '../../../src/logger.js';
import { PostgreSQLSpanProcessor } from '../../../src/tracing/PostgreSQLSpanProcessor.js';
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

function end(processor: PostgreSQLSpanProcessor, count: number, service: string): void {
  for (const span of someSpans(count, service)) processor.onEnd(span);
}

describe('PostgreSQLSpanProcessor', () => {
  it('forceFlush resolves once every queued span is committed', async () => {
    const processor = new PostgreSQLSpanProcessor({ db: ctx.db, logger: quiet, flushIntervalMs: 60_000 });
    end(processor, 30, 'flush');
    expect(processor.stats().queued).toBe(30);
    expect(await countSpans('flush')).toBe(0);
    await processor.forceFlush();
    expect(await countSpans('flush')).toBe(30);
    expect(processor.stats()).toMatchObject({ queued: 0, exported: 30, dropped: 0 });
    await processor.shutdown();
  });

  it('forceFlush also waits for the batch the timer is writing', async () => {
    const processor = new PostgreSQLSpanProcessor({ db: ctx.db, logger: quiet, maxBatchSize: 7 });
    // 100 spans: full batches start writing at once, the rest wait for the timer.
    end(processor, 100, 'batches');
    await new Promise((r) => setImmediate(r));
    await processor.forceFlush();
    expect(await countSpans('batches')).toBe(100);
    await processor.shutdown();
  });

  it('keeps only sampled spans', async () => {
    const processor = new PostgreSQLSpanProcessor({ db: ctx.db, logger: quiet });
    const spans = recordSpans((tracer) => tracer.startSpan('unsampled').end(), { service: 'unsampled' });
    const unsampled = Object.assign(Object.create(spans[0]!), {
      spanContext: () => ({ ...spans[0]!.spanContext(), traceFlags: 0 }),
    });
    processor.onEnd(unsampled);
    processor.onEnd(spans[0]!);
    expect(processor.stats().queued).toBe(1);
    await processor.shutdown();
  });

  it('drops and counts spans beyond the queue bound without blocking, warning once', async () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    const processor = new PostgreSQLSpanProcessor({
      db: ctx.db,
      logger,
      maxQueueSize: 5,
      flushIntervalMs: 60_000,
    });
    end(processor, 8, 'bounded');
    end(processor, 2, 'bounded');
    expect(processor.stats()).toMatchObject({ queued: 5, dropped: 5 });
    expect(lines.filter((l) => l.includes('span queue full'))).toHaveLength(1);
    await processor.shutdown();
    expect(await countSpans('bounded')).toBe(5);
    expect(processor.stats()).toMatchObject({ queued: 0, exported: 5, dropped: 5 });
  });

  it('writes queued spans on shutdown and drops (and counts) spans ended after it', async () => {
    const processor = new PostgreSQLSpanProcessor({ db: ctx.db, logger: quiet, flushIntervalMs: 60_000 });
    end(processor, 50, 'shutdown');
    expect(await countSpans('shutdown')).toBe(0);
    await processor.shutdown();
    expect(await countSpans('shutdown')).toBe(50);
    end(processor, 2, 'shutdown');
    expect(processor.stats()).toMatchObject({ exported: 50, dropped: 2, queued: 0 });
  });

  it('keeps spans queued when the database stays away: forceFlush rejects with the error, shutdown counts them dropped', async () => {
    const away = await databaseToLose(ctx.db.schema);
    const processor = new PostgreSQLSpanProcessor({
      db: away.db,
      logger: quiet,
      retry: { baseMs: 5, maxMs: 20 },
      flushTimeoutMs: 300,
    });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    try {
      await away.lose();
      for (let i = 0; i < 3; i++) provider.getTracer('outage').startSpan(`kept ${i}`).end();
      // The provider rejects its flush with the list of its processors' errors.
      await expect(provider.forceFlush()).rejects.toEqual([
        expect.objectContaining({ message: expect.stringMatching(/connect|terminat|ECONN|closed/i) }),
      ]);
      expect(processor.stats()).toMatchObject({ queued: 3, exported: 0, failed: 0, dropped: 0 });
      expect(processor.stats().retries).toBeGreaterThan(0);
      provider.getTracer('outage').startSpan('kept too').end();
      await expect(processor.forceFlush()).rejects.toThrow(/connect|terminat|ECONN|closed/i);
      expect(processor.stats()).toMatchObject({ queued: 4, failed: 0, dropped: 0 });
      await provider.shutdown();
      expect(processor.stats()).toMatchObject({ queued: 0, exported: 0, failed: 0, dropped: 4 });
    } finally {
      await provider.shutdown();
      await away.close();
    }
  });

  it('gives up at shutdown within flushTimeoutMs when the database stays unreachable, counting what it loses', async () => {
    const away = await databaseToLose(ctx.db.schema);
    const processor = new PostgreSQLSpanProcessor({
      db: away.db,
      logger: quiet,
      retry: { baseMs: 1, maxMs: 5 },
      // Retried far beyond the exporter's budget: only shutdown ends the retries.
      exportTimeoutMs: 10,
      flushTimeoutMs: 200,
    });
    end(processor, 3, 'gone');
    await away.lose();
    await processor.shutdown();
    expect(processor.stats()).toMatchObject({ exported: 0, failed: 0, queued: 0, dropped: 3 });
    expect(processor.stats().retries).toBeGreaterThan(0);
    await away.close();
  });

  it.skipIf(!testDatabaseUrl)(
    'loses no span through an outage longer than any retry budget, storing each once',
    async () => {
      const proxy = await proxyTo(testDatabaseUrl!);
      const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 1 });
      // Short delays play a long outage: 30 s at the default backoff is about 15 retries.
      const processor = new PostgreSQLSpanProcessor({
        db,
        logger: quiet,
        maxBatchSize: 7,
        flushIntervalMs: 60_000,
        retry: { baseMs: 2, maxMs: 10 },
        exportTimeoutMs: 10,
        flushTimeoutMs: 1_000,
      });
      try {
        end(processor, 20, 'restart');
        await proxy.stop();
        await expect(processor.forceFlush()).rejects.toThrow(/connect|terminat|ECONN|closed/i);
        end(processor, 30, 'restart');
        while (processor.stats().retries < 40) await new Promise((r) => setTimeout(r, 5));
        expect(processor.stats()).toMatchObject({ queued: 50, exported: 0, failed: 0, dropped: 0 });
        await proxy.start();
        await processor.forceFlush();
        expect(await countSpans('restart')).toBe(50);
        const { rows } = await ctx.db.query<{ n: number }>(
          `SELECT count(DISTINCT span_id)::int AS n FROM ${ctx.db.table('spans')} WHERE service_name = 'restart'`,
        );
        expect(rows[0]!.n).toBe(50);
        expect(processor.stats()).toMatchObject({ queued: 0, exported: 50, failed: 0, dropped: 0 });
      } finally {
        await processor.shutdown();
        await db.close();
        await proxy.stop();
      }
    },
  );

  it.skipIf(!testDatabaseUrl)(
    'drops and counts the newest spans when the queue overflows during an outage',
    async () => {
      const proxy = await proxyTo(testDatabaseUrl!);
      const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 1 });
      const processor = new PostgreSQLSpanProcessor({
        db,
        logger: quiet,
        maxQueueSize: 10,
        maxBatchSize: 4,
        flushIntervalMs: 60_000,
        retry: { baseMs: 2, maxMs: 10 },
        flushTimeoutMs: 1_000,
      });
      try {
        await proxy.stop();
        end(processor, 6, 'overflow-kept');
        await expect(processor.forceFlush()).rejects.toThrow(/connect|terminat|ECONN|closed/i);
        end(processor, 4, 'overflow-kept');
        end(processor, 5, 'overflow-lost');
        expect(processor.stats()).toMatchObject({ queued: 10, dropped: 5 });
        await proxy.start();
        await processor.forceFlush();
        expect(await countSpans('overflow-kept')).toBe(10);
        expect(await countSpans('overflow-lost')).toBe(0);
        expect(processor.stats()).toMatchObject({ queued: 0, exported: 10, failed: 0, dropped: 5 });
      } finally {
        await processor.shutdown();
        await db.close();
        await proxy.stop();
      }
    },
  );
  it.skipIf(!testDatabaseUrl)('counts the batch being written against the queue bound', async () => {
    const proxy = await proxyTo(testDatabaseUrl!);
    const db = await openDatabase({ databaseUrl: proxy.url, schema: ctx.db.schema, poolSize: 1 });
    const processor = new PostgreSQLSpanProcessor({
      db,
      logger: quiet,
      maxQueueSize: 5,
      maxBatchSize: 3,
      retry: { baseMs: 5, maxMs: 20 },
      flushTimeoutMs: 200,
    });
    try {
      await proxy.stop();
      end(processor, 3, 'bound-retry');
      while (processor.stats().retries === 0) await new Promise((r) => setImmediate(r));
      // Three spans are in the batch being retried: only two more fit under the bound of five.
      end(processor, 5, 'bound-retry');
      expect(processor.stats()).toMatchObject({ queued: 5, dropped: 3 });
      await processor.shutdown();
      expect(processor.stats()).toMatchObject({ queued: 0, exported: 0, failed: 0, dropped: 8 });
    } finally {
      await processor.shutdown();
      await db.close();
    }
  });
});
