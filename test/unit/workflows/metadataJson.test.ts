import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { DEFAULT_MAX_METADATA_BYTES, metadataJson } from '../../../src/workflows/metadataJson.js';

describe('metadataJson', () => {
  it('serialises plain JSON objects, dates included', () => {
    const text = metadataJson({
      rows: 3,
      tags: ['a', null],
      at: new Date('2026-01-01T00:00:00Z'),
      deep: { ok: true },
    });
    expect(JSON.parse(text)).toEqual({
      rows: 3,
      tags: ['a', null],
      at: '2026-01-01T00:00:00.000Z',
      deep: { ok: true },
    });
  });

  it.each([
    ['a function', { f: () => 1 }, 'metadata.f is a function'],
    ['undefined', { a: { b: undefined } }, 'metadata.a.b is undefined'],
    ['a bigint', { n: 10n }, 'metadata.n is a bigint'],
    ['NaN', { list: [1, Number.NaN] }, 'metadata.list[1] is NaN'],
    ['a Map', { m: new Map() }, 'metadata.m is a Map'],
    ['a symbol', { s: Symbol('x') }, 'metadata.s is a symbol'],
  ])('refuses %s with the path of the offending value', (_what, value, message) => {
    expect(() => metadataJson(value)).toThrow(ValidationError);
    expect(() => metadataJson(value)).toThrow(message);
  });

  it('refuses cycles but accepts the same object twice', () => {
    const shared = { x: 1 };
    expect(JSON.parse(metadataJson({ a: shared, b: shared }))).toEqual({ a: { x: 1 }, b: { x: 1 } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => metadataJson(cyclic)).toThrow(/metadata.self refers back to itself/);
  });

  it('refuses anything but a plain object at the top', () => {
    for (const value of [null, [1], 'text', 5])
      expect(() => metadataJson(value)).toThrow(/must be a plain object/);
  });

  it('refuses 1 MB of metadata by default, naming size and limit', () => {
    const big = { blob: 'x'.repeat(DEFAULT_MAX_METADATA_BYTES) };
    expect(() => metadataJson(big)).toThrow(/over the limit of 1048576 bytes/);
    expect(() => metadataJson({ blob: 'x'.repeat(100) }, 50)).toThrow(
      /111 bytes as JSON, over the limit of 50/,
    );
    expect(metadataJson({ blob: 'x'.repeat(100) })).toHaveLength(111);
  });

  it('makes NUL characters storable instead of failing in the database', () => {
    expect(metadataJson({ s: 'a\0b' })).not.toContain('\\u0000');
  });
});
