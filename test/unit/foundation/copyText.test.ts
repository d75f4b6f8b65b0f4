import { describe, expect, it } from 'vitest';
import { encodeCopyText, toPgText } from '../../../src/db/copyText.js';
import { toJsonText } from '../../../src/db/jsonText.js';

describe('encodeCopyText', () => {
  it('escapes the characters COPY text format gives meaning to', () => {
    expect(encodeCopyText([['a\tb', 'c\nd', 'e\\f', 'g\rh']])).toBe('a\\tb\tc\\nd\te\\\\f\tg\\rh\n');
  });

  it('writes null and undefined as \\N', () => {
    expect(encodeCopyText([[null, undefined, 'x']])).toBe('\\N\t\\N\tx\n');
  });

  it('writes numbers including NaN and infinities as PostgreSQL reads them', () => {
    expect(encodeCopyText([[1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 10n]])).toBe(
      '1.5\tNaN\tInfinity\t-Infinity\t10\n',
    );
  });

  it('writes dates as UTC ISO text and objects as JSON', () => {
    expect(encodeCopyText([[new Date('2026-01-02T03:04:05.678Z'), { a: 'x\ty' }]])).toBe(
      '2026-01-02T03:04:05.678Z\t{"a":"x\\\\ty"}\n',
    );
  });

  it('writes arrays as PostgreSQL array literals with quoting', () => {
    expect(encodeCopyText([[['a', 'b"c', null, 'd\\e']]])).toBe('{"a","b\\\\"c",NULL,"d\\\\\\\\e"}\n');
  });
});

describe('toPgText and toJsonText', () => {
  it('replaces NUL and lone surrogates, which PostgreSQL refuses', () => {
    expect(toPgText('a\0b\uD800')).toBe('a\uFFFDb\uFFFD');
    expect(JSON.parse(toJsonText({ 'k\0': 'v\0', arr: ['\uDC00'] }))).toEqual({
      'k\uFFFD': 'v\uFFFD',
      arr: ['\uFFFD'],
    });
  });

  it('keeps ordinary JSON untouched and maps bigint to text', () => {
    expect(toJsonText({ a: 1, b: 'ü', c: [true, null], d: 5n })).toBe(
      '{"a":1,"b":"ü","c":[true,null],"d":"5"}',
    );
    expect(toJsonText(undefined)).toBe('null');
  });
});
