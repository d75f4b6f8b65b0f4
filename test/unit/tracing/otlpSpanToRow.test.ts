import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../../src/otlp/otlpModel.js';
import { otlpSpanToRow, unixNanoToIso } from '../../../src/tracing/otlpSpanToRow.js';

const start = 1_767_225_600_123_456_789n; // 2026-01-01T00:00:00.123456789Z

const span: OtlpSpan = {
  resource: {
    attributes: { 'service.name': 'checkout' },
    serviceName: 'checkout',
    droppedAttributesCount: 0,
    schemaUrl: '',
  },
  scope: { name: 'lib', version: '1.2.3', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: null,
  traceState: 'k=v',
  flags: 1,
  name: 'GET /cart',
  kind: 'unspecified',
  startTimeUnixNano: start,
  startTime: new Date(Number(start / 1_000_000n)),
  endTimeUnixNano: start + 2_500_000n,
  endTime: new Date(Number((start + 2_500_000n) / 1_000_000n)),
  attributes: { 'http.status_code': 200, tags: ['a', 'b'] },
  droppedAttributesCount: 1,
  events: [
    {
      name: 'retry',
      timeUnixNano: start + 1_000n,
      time: new Date(0),
      attributes: { n: 1 },
      droppedAttributesCount: 0,
    },
  ],
  droppedEventsCount: 2,
  links: [
    {
      traceId: '1'.repeat(32),
      spanId: '2'.repeat(16),
      traceState: '',
      attributes: {},
      droppedAttributesCount: 0,
      flags: 0,
    },
  ],
  droppedLinksCount: 3,
  status: { code: 'error', message: 'boom' },
};

describe('otlpSpanToRow', () => {
  it('keeps microseconds of nanosecond times in UTC', () => {
    expect(unixNanoToIso(start)).toBe('2026-01-01T00:00:00.123456Z');
    expect(unixNanoToIso(0n)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('maps every field the exporter stores', () => {
    expect(otlpSpanToRow(span)).toEqual({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: null,
      traceState: 'k=v',
      operationName: 'GET /cart',
      kind: 'internal',
      serviceName: 'checkout',
      startTime: '2026-01-01T00:00:00.123456Z',
      endTime: '2026-01-01T00:00:00.125956Z',
      durationMs: 2.5,
      status: 'error',
      statusMessage: 'boom',
      attributes: { 'http.status_code': 200, tags: ['a', 'b'] },
      events: [
        {
          name: 'retry',
          time: '2026-01-01T00:00:00.123457Z',
          attributes: { n: 1 },
          droppedAttributesCount: 0,
        },
      ],
      links: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), attributes: {}, droppedAttributesCount: 0 }],
      resource: { 'service.name': 'checkout' },
      scope: { name: 'lib', version: '1.2.3' },
      droppedAttributesCount: 1,
      droppedEventsCount: 2,
      droppedLinksCount: 3,
    });
  });

  it('never gives a negative duration for an end before the start', () => {
    expect(otlpSpanToRow({ ...span, endTimeUnixNano: start - 5n }).durationMs).toBe(0);
  });
});
