import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidSpanId, isValidTraceId } from '../../src/tracing/ids.js';
import { formatTraceparent, parseTraceparent, parseTracestate } from '../../src/tracing/traceparent.js';

// Example-based cases are in test/unit/tracing/traceparent.test.ts; these cover whole input spaces.
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const context = fc.record({
  traceId: hex(32).filter(isValidTraceId),
  spanId: hex(16).filter(isValidSpanId),
  traceFlags: fc.integer({ min: 0, max: 255 }),
});
// Header-like text: hex digits, separators, upper case, spaces, and a few strangers.
const headerish = fc
  .array(fc.constantFrom(...'0123456789abcdefABCDEF- \t_xz', '\n', 'é'), { maxLength: 70 })
  .map((c) => c.join(''));

describe('W3C trace context parsing, for any input', () => {
  it('round-trips every valid context through format and parse', () => {
    fc.assert(
      fc.property(context, (c) => {
        expect(parseTraceparent(formatTraceparent(c))).toEqual(c);
      }),
    );
  });

  it('never throws, and anything it accepts has valid ids and formats back to an equal context', () => {
    fc.assert(
      fc.property(fc.oneof(headerish, fc.string(), fc.string({ unit: 'binary' })), (header) => {
        const parsed = parseTraceparent(header);
        if (parsed === undefined) return;
        expect(isValidTraceId(parsed.traceId) && isValidSpanId(parsed.spanId)).toBe(true);
        expect(parsed.traceFlags).toBeGreaterThanOrEqual(0);
        expect(parsed.traceFlags).toBeLessThanOrEqual(255);
        expect(parseTraceparent(formatTraceparent(parsed))).toEqual(parsed);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses a valid header with any one character changed to a non-hex one, or upper-cased', () => {
    fc.assert(
      fc.property(context, fc.nat(), fc.constantFrom('g', 'G', 'z', ' ', '_', '.'), (c, at, ch) => {
        const header = formatTraceparent(c);
        const i = at % header.length;
        if (header[i] === '-') return;
        expect(parseTraceparent(header.slice(0, i) + ch + header.slice(i + 1))).toBeUndefined();
        const upper = header.slice(0, i) + header[i]!.toUpperCase() + header.slice(i + 1);
        if (upper !== header) expect(parseTraceparent(upper)).toBeUndefined();
      }),
    );
  });

  it('refuses version ff, extra fields in version 00, and all-zero ids; accepts extra fields of later versions', () => {
    fc.assert(
      fc.property(context, hex(2), fc.stringMatching(/^[0-9a-z]{1,10}$/), (c, version, extra) => {
        const tail = formatTraceparent(c).slice(2);
        expect(parseTraceparent(`ff${tail}`)).toBeUndefined();
        expect(parseTraceparent(`00${tail}-${extra}`)).toBeUndefined();
        expect(parseTraceparent(`00-${'0'.repeat(32)}-${c.spanId}-01`)).toBeUndefined();
        expect(parseTraceparent(`00-${c.traceId}-${'0'.repeat(16)}-01`)).toBeUndefined();
        if (version !== 'ff' && version !== '00')
          expect(parseTraceparent(`${version}${tail}-${extra}`)).toEqual(c);
      }),
    );
  });

  it('tracestate: never throws; what it keeps parses again to itself, with at most 32 distinct keys', () => {
    const member = fc.tuple(
      fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,12}(@[a-z][a-z0-9]{0,5})?$/),
      fc.stringMatching(/^[\x21-\x2b\x2d-\x3c\x3e-\x7e]{1,12}$/),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(member, { maxLength: 40 }).map((ms) => ms.map(([k, v]) => `${k}=${v}`).join(' , ')),
          fc.string(),
        ),
        (header) => {
          const kept = parseTracestate(header);
          if (kept === undefined) return;
          expect(parseTracestate(kept)).toBe(kept);
          const keys = kept.split(',').map((m) => m.slice(0, m.indexOf('=')));
          expect(keys.length).toBeLessThanOrEqual(32);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
