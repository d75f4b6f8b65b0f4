import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncateUtf8 } from '../../../src/tracing/truncateUtf8.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('truncateUtf8', () => {
  it('leaves text that fits alone', () => {
    expect(truncateUtf8('short', 5)).toBeUndefined();
    expect(truncateUtf8('é'.repeat(10), 20)).toBeUndefined();
  });

  it('cuts before a character that would not fit whole', () => {
    expect(truncateUtf8('aé', 2)).toBe('a'); // é is 2 bytes
    expect(truncateUtf8('ab€', 4)).toBe('ab'); // € is 3 bytes
    expect(truncateUtf8('a😀b', 4)).toBe('a'); // the emoji is 4 bytes (a surrogate pair)
    expect(truncateUtf8('a😀b', 5)).toBe('a😀');
  });

  it('measures text as stored: NUL and lone surrogates become U+FFFD (3 bytes)', () => {
    expect(truncateUtf8('\0\0', 4)).toBe('\uFFFD');
    expect(truncateUtf8('a\ud800b', 4)).toBe('a\uFFFD');
  });

  it('never exceeds the limit, never splits a character, and keeps a prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 0, max: 300 }),
        (text, max) => {
          const cut = truncateUtf8(text, max);
          const clean = text.replaceAll('\0', '\uFFFD').toWellFormed();
          if (cut === undefined) {
            expect(bytes(clean)).toBeLessThanOrEqual(max);
            return;
          }
          expect(bytes(cut)).toBeLessThanOrEqual(max);
          expect(cut.isWellFormed()).toBe(true);
          expect(clean.startsWith(cut)).toBe(true);
          // Maximal: the next character would not have fitted.
          const next = clean.slice(
            cut.length,
            cut.length + (clean.codePointAt(cut.length)! > 0xffff ? 2 : 1),
          );
          expect(bytes(cut) + bytes(next)).toBeGreaterThan(max);
        },
      ),
    );
  });
});
