import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractTraceContext } from '../../../src/tracing/propagation.js';
import { formatTraceparent, parseTraceparent, parseTracestate } from '../../../src/tracing/traceparent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('reads a valid header', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
    });
    expect(parseTraceparent(` 00-${TRACE}-${SPAN}-00 `)?.traceFlags).toBe(0);
  });

  it('accepts extra fields from a future version only', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-future`)).toMatchObject({ traceId: TRACE });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01-extra`)).toBeUndefined();
  });

  it('ignores every malformed header', () => {
    for (const header of [
      undefined,
      '',
      'garbage',
      `ff-${TRACE}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-1`,
      `00-${TRACE.slice(1)}-${SPAN}-01`,
      `00_${TRACE}_${SPAN}_01`,
    ]) {
      expect(parseTraceparent(header), String(header)).toBeUndefined();
    }
  });

  it('round-trips through formatTraceparent and never throws on arbitrary input', () => {
    const context = { traceId: TRACE, spanId: SPAN, traceFlags: 3 };
    expect(parseTraceparent(formatTraceparent(context))).toEqual(context);
    fc.assert(fc.property(fc.string(), (s) => parseTraceparent(s) === undefined || typeof s === 'string'));
  });
});

describe('parseTracestate', () => {
  it('keeps valid members, normalizing spaces', () => {
    expect(parseTracestate('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE')).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(parseTracestate('tenant@vendor=x,,')).toBe('tenant@vendor=x');
  });

  it('drops the whole header when a member is malformed, duplicated or there are too many', () => {
    expect(parseTracestate('Rojo=1')).toBeUndefined();
    expect(parseTracestate('a=1,a=2')).toBeUndefined();
    expect(parseTracestate('a=')).toBeUndefined();
    expect(parseTracestate('a=b=c,d')).toBeUndefined();
    expect(parseTracestate(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','))).toBeUndefined();
    expect(parseTracestate('')).toBeUndefined();
  });
});

describe('extractTraceContext', () => {
  it('reads Node, fetch and plain headers, case-insensitively', () => {
    const expected = { traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: 'a=1,b=2' };
    expect(
      extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: ['a=1', 'b=2'] }),
    ).toEqual(expected);
    expect(
      extractTraceContext(new Headers({ TraceParent: `00-${TRACE}-${SPAN}-01`, tracestate: 'a=1,b=2' })),
    ).toEqual(expected);
    expect(extractTraceContext({ TRACEPARENT: `00-${TRACE}-${SPAN}-01` })).toMatchObject({ traceId: TRACE });
  });

  it('ignores missing, repeated or invalid traceparent and drops an invalid tracestate', () => {
    expect(extractTraceContext(undefined)).toBeUndefined();
    expect(extractTraceContext({})).toBeUndefined();
    expect(
      extractTraceContext({ traceparent: [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01`] }),
    ).toBeUndefined();
    expect(extractTraceContext({ traceparent: 'nope' })).toBeUndefined();
    expect(extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'BAD' })).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: 1,
    });
  });
});
