import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../../../src/otlp/jsonNestingDepth.js';

const depthOf = (text: string, max: number) => exceedsJsonDepth(Buffer.from(text), max);

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects alike, up to the limit inclusive', () => {
    expect(depthOf('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(depthOf('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(depthOf('[1,[2],[3]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depthOf('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(depthOf('{"a":"\\"[[[[\\\\","b":1}', 1)).toBe(false);
    expect(depthOf('{"a":"\\\\"}', 1)).toBe(false);
  });

  it('stops at the first level too deep, whatever follows (even invalid JSON)', () => {
    expect(depthOf(`${'['.repeat(65)}garbage`, 64)).toBe(true);
    expect(depthOf('not json', 1)).toBe(false);
  });
});
