import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { activeSpanContext } from '../../../src/tracing/activeSpanContext.js';
import { generateCorrelationId } from '../../../src/tracing/generateCorrelationId.js';
import { injectTraceContext, withRemoteParent } from '../../../src/tracing/propagation.js';
import { setupTracing } from '../../../src/tracing/setupTracing.js';
import { TracingContext } from '../../../src/tracing/TracingContext.js';

// No tracer provider is registered in this file: pgtel's degraded mode, with the API installed.
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

describe('TracingContext without an OpenTelemetry SDK', () => {
  it('has valid ids and nests as parent and child across awaits and timers', async () => {
    await TracingContext.run('outer', { a: 1 }, async (outer) => {
      expect(outer.traceId).toMatch(HEX32);
      expect(outer.spanId).toMatch(HEX16);
      expect(outer.parentSpanId).toBeUndefined();
      await delay(1);
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          TracingContext.run('in timer', (inner) => {
            expect(inner.traceId).toBe(outer.traceId);
            expect(inner.parentSpanId).toBe(outer.spanId);
            expect(inner.spanId).not.toBe(outer.spanId);
          });
          resolve();
        }, 1),
      );
      expect(generateCorrelationId()).toBe(outer.traceId);
      expect(activeSpanContext()).toEqual({ traceId: outer.traceId, spanId: outer.spanId });
      // Every method is a harmless no-op.
      outer.setAttribute('k', 'v').addEvent('e').setStatus('ok').recordException(new Error('x'));
    });
    expect(activeSpanContext()).toBeUndefined();
  });

  it('propagates an exception unchanged, sync and async', async () => {
    const error = new Error('boom');
    expect(() =>
      TracingContext.run('sync', () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(TracingContext.run('async', async () => Promise.reject(error))).rejects.toBe(error);
    expect(TracingContext.run('value', () => 42)).toBe(42);
  });

  it('supports the using form, restoring the outer context at the end of the scope', () => {
    TracingContext.run('outer', (outer) => {
      {
        using inner = TracingContext.enter('inner');
        expect(inner.parentSpanId).toBe(outer.spanId);
        expect(generateCorrelationId()).toBe(outer.traceId);
        expect(activeSpanContext()?.spanId).toBe(inner.spanId);
      }
      expect(activeSpanContext()?.spanId).toBe(outer.spanId);
    });
  });

  it('gives 100 distinct correlation ids outside any span', () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateCorrelationId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(HEX32);
  });

  it('continues a remote trace and injects it onward', () => {
    const incoming = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    withRemoteParent(incoming, () => {
      expect(generateCorrelationId()).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      TracingContext.run('handler', (ctx) => {
        expect(ctx.parentSpanId).toBe('00f067aa0ba902b7');
        expect(injectTraceContext().traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${ctx.spanId}-01`);
      });
    });
    expect(injectTraceContext()).toEqual({});
    expect(withRemoteParent({ traceparent: 'garbage' }, () => generateCorrelationId())).toMatch(HEX32);
  });

  it('setupTracing with OTEL_SDK_DISABLED=true stores nothing and still gives valid ids', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      const tracing = await setupTracing({ serviceName: 'off' });
      expect(tracing.enabled).toBe(false);
      const span = tracing.tracer.startSpan('x');
      span.end();
      TracingContext.run('still works', (ctx) => expect(ctx.traceId).toMatch(HEX32));
      await tracing.forceFlush();
      expect(tracing.stats().exported).toBe(0);
      await tracing.shutdown();
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });
});
