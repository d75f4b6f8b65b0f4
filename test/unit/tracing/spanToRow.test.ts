import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { hrTimeToIso, spanToRow, storedAttributes } from '../../../src/tracing/spanToRow.js';
import { recordSpans } from './recordSpans.js';

describe('spanToRow', () => {
  it('maps ids, parent, kind, status, times, events, links, resource and scope', () => {
    const [child, parent] = recordSpans(
      (tracer) => {
        const p = tracer.startSpan('parent', { kind: SpanKind.SERVER });
        {
          const c = tracer.startSpan(
            'child',
            {
              kind: SpanKind.CLIENT,
              startTime: new Date('2026-03-01T10:00:00.000Z'),
              links: [{ context: p.spanContext(), attributes: { why: 'batch' } }],
            },
            trace.setSpan(context.active(), p),
          );
          c.setAttribute('db.rows', 3);
          c.addEvent('retry', { attempt: 2 }, new Date('2026-03-01T10:00:00.250Z'));
          c.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
          c.end(new Date('2026-03-01T10:00:01.500Z'));
          p.end();
        }
      },
      { service: 'checkout' },
    );
    const row = spanToRow(child!);
    const parentRow = spanToRow(parent!);
    expect(row.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(row.traceId).toBe(parentRow.traceId);
    expect(row.parentSpanId).toBe(parentRow.spanId);
    expect(parentRow.parentSpanId).toBeNull();
    expect(row.kind).toBe('client');
    expect(parentRow.kind).toBe('server');
    expect(row.status).toBe('error');
    expect(row.statusMessage).toBe('boom');
    expect(parentRow.status).toBe('unset');
    expect(row.startTime).toBe('2026-03-01T10:00:00.000000Z');
    expect(row.endTime).toBe('2026-03-01T10:00:01.500000Z');
    expect(row.durationMs).toBe(1500);
    expect(row.serviceName).toBe('checkout');
    expect(row.resource['service.name']).toBe('checkout');
    expect(row.scope).toEqual({ name: 'unit-scope', version: '1.2.3' });
    expect(row.attributes).toEqual({ 'db.rows': 3 });
    expect(row.events).toEqual([
      {
        name: 'retry',
        time: '2026-03-01T10:00:00.250000Z',
        attributes: { attempt: 2 },
        droppedAttributesCount: 0,
      },
    ]);
    expect(row.links).toEqual([
      {
        traceId: parentRow.traceId,
        spanId: parentRow.spanId,
        attributes: { why: 'batch' },
        droppedAttributesCount: 0,
      },
    ]);
  });

  it('uses the fallback service name when the resource has none', () => {
    const [span] = recordSpans((tracer) => tracer.startSpan('x').end());
    // The SDK's default resource names the service unknown_service:<process>; an empty resource has none.
    const bare = Object.create(span!, { resource: { value: resourceFromAttributes({}) } });
    expect(spanToRow(bare, { serviceName: 'fallback' }).serviceName).toBe('fallback');
  });

  it('keeps every attribute type: arrays, NaN, infinities, long strings cut, nested-looking keys', () => {
    const [span] = recordSpans((tracer) => {
      const s = tracer.startSpan('types');
      s.setAttributes({
        str: 'a\u0000b',
        num: 1.5,
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        bool: false,
        arr: [1, Number.NaN, 3],
        strs: ['x', null as unknown as string, 'z'],
        'a.b.c': 'nested',
        '{"json":1}': 'json key',
        long: 'y'.repeat(100),
      });
      s.end();
    });
    const row = spanToRow(span!, { maxStringLength: 10 });
    expect(row.attributes).toEqual({
      str: 'a\u0000b',
      num: 1.5,
      nan: 'NaN',
      inf: 'Infinity',
      bool: false,
      arr: [1, 'NaN', 3],
      strs: ['x', null, 'z'],
      'a.b.c': 'nested',
      '{"json":1}': 'json key',
      long: 'yyyyyyyyyy',
    });
  });

  it('counts attributes the SDK dropped beyond its limit', () => {
    const [span] = recordSpans(
      (tracer) => {
        const s = tracer.startSpan('many');
        for (let i = 0; i < 10_000; i++) s.setAttribute(`k${i}`, i);
        s.end();
      },
      { attributeCountLimit: 10_000 - 1 },
    );
    const row = spanToRow(span!);
    expect(Object.keys(row.attributes)).toHaveLength(9_999);
    expect(row.droppedAttributesCount).toBe(1);
  });

  it('refuses a span with an invalid id, naming it', () => {
    const [span] = recordSpans((tracer) => tracer.startSpan('bad').end());
    const broken = Object.create(span!, {
      spanContext: { value: () => ({ ...span!.spanContext(), traceId: '0'.repeat(32) }) },
    });
    expect(() => spanToRow(broken)).toThrow(/"bad" has an invalid trace or span id/);
  });
});

describe('hrTimeToIso and storedAttributes', () => {
  it('keeps microseconds', () => {
    expect(hrTimeToIso([1_700_000_000, 123_456_789])).toBe('2023-11-14T22:13:20.123456Z');
    expect(hrTimeToIso([0, 1_000])).toBe('1970-01-01T00:00:00.000001Z');
  });

  it('skips undefined values and tolerates non-attribute values', () => {
    expect(storedAttributes({ a: undefined, b: { nested: 1 } as unknown as string })).toEqual({
      b: '[object Object]',
    });
    expect(storedAttributes(undefined)).toEqual({});
  });
});
