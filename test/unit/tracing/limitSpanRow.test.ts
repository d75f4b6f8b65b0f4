import { describe, expect, it } from 'vitest';
import { limitSpanRow, SPAN_TEXT_LIMITS } from '../../../src/tracing/limitSpanRow.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';

const row: SpanRow = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: null,
  traceState: null,
  operationName: 'GET /cart',
  kind: 'server',
  serviceName: 'checkout',
  startTime: '2026-01-01T00:00:00.123456Z',
  endTime: '2026-01-01T00:00:00.125956Z',
  durationMs: 2.5,
  status: 'error',
  statusMessage: 'boom',
  attributes: { 'http.status_code': 200, tags: ['a', 'b'] },
  events: [
    { name: 'retry', time: '2026-01-01T00:00:00.123457Z', attributes: { n: 1 }, droppedAttributesCount: 0 },
  ],
  links: [
    { traceId: '1'.repeat(32), spanId: '2'.repeat(16), attributes: { why: 'x' }, droppedAttributesCount: 0 },
  ],
  resource: { 'service.name': 'checkout' },
  scope: { name: 'lib' },
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
};

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('limitSpanRow', () => {
  it('returns the same row when everything fits', () => {
    expect(limitSpanRow(row)).toBe(row);
  });

  it('cuts every over-long text to its byte limit and lists what was cut', () => {
    const long = (unit: string, n: number) => unit.repeat(n);
    const limited = limitSpanRow({
      ...row,
      operationName: long('é', 10_000),
      serviceName: long('s', 1_000),
      statusMessage: long('m', 10_000),
      attributes: { url: long('€', 30_000), [long('k', 2_000)]: 1, nested: [long('x', 70_000)], ok: 'fine' },
      resource: { 'service.name': long('r', 70_000) },
      events: [
        row.events[0]!,
        { ...row.events[0]!, name: long('e', 5_000), attributes: { big: long('b', 70_000) } },
      ],
      links: [{ ...row.links[0]!, attributes: { why: long('w', 70_000) } }],
    });
    expect(bytes(limited.operationName)).toBe(SPAN_TEXT_LIMITS.operationName);
    expect(limited.operationName).toBe(long('é', 512));
    expect(limited.serviceName).toBe(long('s', 256));
    expect(limited.statusMessage).toBe(long('m', 4096));
    // 65,536 bytes hold 21,845 three-byte characters; a 21,846th would be cut in half.
    expect(limited.attributes.url).toBe(long('€', 21_845));
    expect(limited.attributes[long('k', 1024)]).toBe(1);
    expect(limited.attributes.nested).toEqual([long('x', 65_536)]);
    expect(limited.attributes.ok).toBe('fine');
    expect(limited.resource['service.name']).toBe(long('r', 65_536));
    expect(limited.events[0]).toBe(row.events[0]);
    expect(limited.events[1]!.name).toBe(long('e', 1024));
    expect(limited.events[1]!.attributes.big).toBe(long('b', 65_536));
    expect(limited.links[0]!.attributes.why).toBe(long('w', 65_536));
    expect(limited.attributes['pgtel.truncated']).toEqual([
      'operation_name',
      'service_name',
      'status_message',
      'attributes.url',
      `attributes.${long('k', 128)} (key)`,
      'attributes.nested',
      'resource.service.name',
      'events[1].name',
      'events[1].attributes.big',
      'links[0].attributes.why',
    ]);
  });

  it('keeps an attribute named __proto__ as an own key when it rebuilds attributes', () => {
    const attributes = JSON.parse(`{"__proto__": "kept", "long": "${'x'.repeat(70_000)}"}`);
    const limited = limitSpanRow({ ...row, attributes });
    expect(Object.hasOwn(limited.attributes, '__proto__')).toBe(true);
    expect(JSON.stringify(limited.attributes)).toContain('"__proto__":"kept"');
  });

  it('summarizes a long list of cuts', () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`a${i}`, 'x'.repeat(70_000)]),
    );
    const marked = limitSpanRow({ ...row, attributes }).attributes['pgtel.truncated'] as string[];
    expect(marked).toHaveLength(33);
    expect(marked.at(-1)).toBe('... and 8 more');
  });

  it('clamps an end before the start to the start and keeps the end received', () => {
    const limited = limitSpanRow({ ...row, endTime: '1970-01-01T00:00:00.000000Z', durationMs: 0 });
    expect(limited).toMatchObject({ startTime: row.startTime, endTime: row.startTime, durationMs: 0 });
    expect(limited.attributes).toEqual({
      ...row.attributes,
      'pgtel.clamped': ['end_time'],
      'pgtel.original_end_time': '1970-01-01T00:00:00.000000Z',
    });
  });

  it('compares times to the microsecond', () => {
    const sameMilli = { ...row, startTime: '2026-01-01T00:00:00.123456Z' };
    expect(limitSpanRow({ ...sameMilli, endTime: '2026-01-01T00:00:00.123457Z' }).attributes).toBe(
      row.attributes,
    );
    expect(limitSpanRow({ ...sameMilli, endTime: '2026-01-01T00:00:00.123455Z' }).endTime).toBe(
      sameMilli.startTime,
    );
    const zero = { ...sameMilli, endTime: '2026-01-01T00:00:00.123456Z' };
    expect(limitSpanRow(zero)).toBe(zero);
  });

  it('is idempotent', () => {
    const once = limitSpanRow({
      ...row,
      operationName: 'o'.repeat(5_000),
      endTime: '2025-01-01T00:00:00.000000Z',
    });
    expect(limitSpanRow(once)).toEqual(once);
  });
});
