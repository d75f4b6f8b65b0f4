import { createServer, type Server } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { generateCorrelationId } from '../../../src/tracing/generateCorrelationId.js';
import { PostgreSQLSpanProcessor } from '../../../src/tracing/PostgreSQLSpanProcessor.js';
import {
  extractTraceContext,
  injectTraceContext,
  withRemoteParent,
} from '../../../src/tracing/propagation.js';
import { setupTracing, type Tracing } from '../../../src/tracing/setupTracing.js';
import { TracingContext } from '../../../src/tracing/TracingContext.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const quiet = createLogger('silent');
let tracing: Tracing | undefined;

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

interface StoredSpan {
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  operation_name: string;
  service_name: string;
  status: string;
  status_message: string | null;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

async function spansOf(traceId: string): Promise<StoredSpan[]> {
  const { rows } = await ctx.db.query<StoredSpan>(
    `SELECT * FROM ${ctx.db.table('spans')} WHERE trace_id = $1 ORDER BY start_time, parent_span_id IS NOT NULL`,
    [traceId],
  );
  return rows;
}

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

describe('setupTracing with TracingContext', () => {
  it('stores nested contexts as parent and child, across awaits and timers', async () => {
    tracing = await setupTracing({ serviceName: 'nesting', db: ctx.db, logger: quiet });
    const ids = await TracingContext.run('outer', { 'job.id': 7 }, async (outer) => {
      await new Promise((r) => setTimeout(r, 1));
      const inner = await new Promise<TracingContext>((resolve) =>
        setTimeout(() => TracingContext.run('inner', (c) => resolve(c.setAttribute('n', 1))), 1),
      );
      outer.addEvent('checkpoint', { step: 2 });
      expect(generateCorrelationId()).toBe(outer.traceId);
      return { outer, inner };
    });
    expect(ids.inner.traceId).toBe(ids.outer.traceId);
    expect(ids.inner.parentSpanId).toBe(ids.outer.spanId);
    await tracing.forceFlush();
    const rows = await spansOf(ids.outer.traceId);
    expect(rows.map((r) => [r.operation_name, r.parent_span_id])).toEqual([
      ['outer', null],
      ['inner', ids.outer.spanId],
    ]);
    expect(rows[0]).toMatchObject({ service_name: 'nesting', attributes: { 'job.id': 7 } });
    expect(rows[0]!.events.map((e) => e.name)).toEqual(['checkpoint']);
    expect(rows[1]!.attributes).toEqual({ n: 1 });
  });

  it('records an exception (status error, exception event) and rethrows it unchanged', async () => {
    tracing = await setupTracing({ serviceName: 'errors', db: ctx.db, logger: quiet });
    const error = new TypeError('bad input');
    let traceId = '';
    await expect(
      TracingContext.run('failing', undefined, async (c) => {
        traceId = c.traceId;
        throw error;
      }),
    ).rejects.toBe(error);
    await tracing.forceFlush();
    const [row] = await spansOf(traceId);
    expect(row).toMatchObject({ status: 'error', status_message: 'bad input' });
    expect(row!.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad input' },
    });
  });

  it('supports the using form, also after an await in an async function', async () => {
    tracing = await setupTracing({ serviceName: 'using', db: ctx.db, logger: quiet });
    const outer = TracingContext.run('outer', (o) => {
      using inner = TracingContext.enter('inner', { form: 'using' });
      expect(inner.parentSpanId).toBe(o.spanId);
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(inner.spanId);
      return o;
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    const afterAwait = await (async () => {
      await Promise.resolve();
      using c = TracingContext.enter('after-await');
      await new Promise((r) => setTimeout(r, 1));
      return TracingContext.run('child', (child) => [c, child] as const);
    })();
    expect(afterAwait[1].parentSpanId).toBe(afterAwait[0].spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
    await tracing.forceFlush();
    expect((await spansOf(outer.traceId)).map((r) => r.operation_name)).toEqual(['outer', 'inner']);
    expect(await spansOf(afterAwait[0].traceId)).toHaveLength(2);
  });

  it('returns the same setup when called twice: each span stored once', async () => {
    tracing = await setupTracing({ serviceName: 'twice', db: ctx.db, logger: quiet });
    const again = await setupTracing({ serviceName: 'twice', db: ctx.db, logger: quiet });
    expect(again).toBe(tracing);
    const traceId = TracingContext.run('once', (c) => c.traceId);
    await tracing.forceFlush();
    expect(await spansOf(traceId)).toHaveLength(1);
    // After shutdown it can be set up again, and spans still arrive exactly once.
    await tracing.shutdown();
    tracing = await setupTracing({ serviceName: 'twice-again', db: ctx.db, logger: quiet });
    const second = TracingContext.run('again', (c) => c.traceId);
    await tracing.forceFlush();
    expect((await spansOf(second)).map((r) => r.service_name)).toEqual(['twice-again']);
  });

  it('refuses an unknown instrumentation without changing anything global', async () => {
    await expect(
      setupTracing({ db: ctx.db, logger: quiet, instrumentations: ['mysql' as never] }),
    ).rejects.toThrow(/Unknown instrumentations: mysql \(known: http, undici, pg\)/);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(TracingContext.run('no provider', (c) => c.span)).toBeUndefined();
    tracing = await setupTracing({ serviceName: 'after-error', db: ctx.db, logger: quiet });
    expect(TracingContext.run('provider', (c) => c.span)).toBeDefined();
  });

  it('takes resource and sampler from OTEL_* variables, options winning', async () => {
    await withEnv(
      {
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=core,service.name=from-attrs',
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
      async () => {
        tracing = await setupTracing({ db: ctx.db, logger: quiet, resourceAttributes: { team: 'payments' } });
        const unsampled = TracingContext.run('dropped by sampler', (c) => c.traceId);
        await tracing.forceFlush();
        expect(await spansOf(unsampled)).toEqual([]);
        await tracing.shutdown();
      },
    );
    await withEnv(
      { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=core', OTEL_SERVICE_NAME: 'from-env' },
      async () => {
        tracing = await setupTracing({ db: ctx.db, logger: quiet, resourceAttributes: { team: 'payments' } });
        const sampled = TracingContext.run('kept', (c) => c.traceId);
        await tracing.forceFlush();
        const [row] = await spansOf(sampled);
        expect(row!.service_name).toBe('from-env');
        expect(row!.resource).toMatchObject({ 'deployment.environment': 'staging', team: 'payments' });
      },
    );
  });

  it("leaves an application's own provider as it is: the application adds pgtel's processor", async () => {
    const appSpans: ReadableSpan[] = [];
    const appProcessor: SpanProcessor = {
      onStart: () => {},
      onEnd: (s) => appSpans.push(s),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const pgtelProcessor = new PostgreSQLSpanProcessor({ db: ctx.db, logger: quiet });
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    const appProvider = new NodeTracerProvider({ spanProcessors: [appProcessor, pgtelProcessor] });
    appProvider.register();
    const lines: string[] = [];
    try {
      tracing = await setupTracing({
        serviceName: 'ignored',
        db: ctx.db,
        logger: createLogger('warn', (line) => lines.push(line)),
      });
      expect(lines.join('\n')).toMatch(/already registered.*PostgreSQLSpanProcessor/);
      expect(tracing.spanProcessor).toBeUndefined();
      expect(tracing.enabled).toBe(true);
      const traceId = TracingContext.run('shared', (c) => c.traceId);
      await appProvider.forceFlush();
      expect(appSpans.map((s) => s.name)).toEqual(['shared']);
      // Stored once: setupTracing added no second processor.
      expect(await spansOf(traceId)).toHaveLength(1);
      expect(pgtelProcessor.stats()).toMatchObject({ exported: 1, dropped: 0 });
      await tracing.shutdown();
      tracing = undefined;
      // The application's provider keeps working after pgtel's setup is undone.
      const after = TracingContext.run('after', (c) => c.traceId);
      await appProvider.forceFlush();
      expect(appSpans.map((s) => s.name)).toEqual(['shared', 'after']);
      expect(await spansOf(after)).toHaveLength(1);
    } finally {
      await appProvider.shutdown();
      trace.disable();
    }
  });

  it('continues one trace across two services over HTTP (traceparent in, traceparent out)', async () => {
    tracing = await setupTracing({ serviceName: 'edge', db: ctx.db, logger: quiet });
    const seen: string[] = [];
    const servers: Server[] = [];
    const listen = (handler: (headers: Record<string, string>) => Promise<string>) =>
      new Promise<number>((resolve) => {
        const server = createServer((req, res) => {
          withRemoteParent(req.headers, () =>
            TracingContext.run(`handle ${req.url}`, async () => {
              seen.push(generateCorrelationId());
              res.end(await handler(req.headers as Record<string, string>));
            }),
          );
        });
        servers.push(server);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      });
    const back = await listen(async () => 'done');
    const front = await listen(async () => {
      const response = await fetch(`http://127.0.0.1:${back}/back`, { headers: injectTraceContext() });
      return response.text();
    });
    try {
      const traceId = await TracingContext.run('client', async (c) => {
        const headers = injectTraceContext();
        expect(extractTraceContext(headers)).toMatchObject({
          traceId: c.traceId,
          spanId: c.spanId,
          traceFlags: 1,
        });
        expect(await (await fetch(`http://127.0.0.1:${front}/front`, { headers })).text()).toBe('done');
        return c.traceId;
      });
      expect(seen).toEqual([traceId, traceId]);
      await tracing.forceFlush();
      const rows = await spansOf(traceId);
      expect(rows.map((r) => r.operation_name)).toEqual(['client', 'handle /front', 'handle /back']);
      expect(rows[1]!.parent_span_id).toBe(rows[0]!.span_id);
      expect(rows[2]!.parent_span_id).toBe(rows[1]!.span_id);
    } finally {
      for (const s of servers) s.close();
    }
  });
});
