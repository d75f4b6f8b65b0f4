import { describe, expect, it } from 'vitest';
import { checkKeysetCursor, decodeKeysetCursor, encodeKeysetCursor } from '../../../src/db/keysetCursor.js';

describe('keyset cursors', () => {
  it('round-trips and refuses anything not made by encodeKeysetCursor', () => {
    const cursor = { at: 1_773_144_000_123_456, id: 'abc' };
    const isId = (id: string) => /^[a-z]+$/.test(id);
    expect(decodeKeysetCursor(encodeKeysetCursor(cursor), isId)).toEqual(cursor);
    expect(decodeKeysetCursor(undefined, isId)).toBeUndefined();
    for (const bad of [
      '',
      'not json!',
      Buffer.from('[1.5,"a"]').toString('base64url'),
      Buffer.from('{"at":1}').toString('base64url'),
      encodeKeysetCursor({ at: 1, id: 'ABC-1' }),
    ])
      expect(() => decodeKeysetCursor(bad === '' ? 'x' : bad, isId)).toThrow(/cursor is not valid/);
  });

  it('refuses a hand-made cursor object with a bad time or id', () => {
    const isId = (id: string) => /^[a-z]+$/.test(id);
    expect(() => checkKeysetCursor({ at: 5, id: 'ok' }, isId)).not.toThrow();
    for (const bad of [
      { at: 1.5, id: 'ok' },
      { at: 1, id: 'NO' },
      { at: 1, id: 7 },
      { at: 1, id: 'a'.repeat(201) },
    ])
      expect(() => checkKeysetCursor(bad as never, isId), JSON.stringify(bad)).toThrow(/cursor is not valid/);
  });
});
