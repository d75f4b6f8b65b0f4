import { describe, expect, it } from 'vitest';
import { LabelTrie } from '../../../src/metrics/LabelTrie.js';

describe('LabelTrie', () => {
  it('finds a value by label names and values in the given key order, strings and numbers alike', () => {
    const trie = new LabelTrie<string>(10);
    expect(trie.set({ a: '1', b: 2 }, 'x')).toBe(true);
    expect(trie.get({ a: '1', b: '2' })).toBe('x');
    expect(trie.get({ b: '2', a: '1' })).toBeUndefined();
    expect(trie.get({ a: '1' })).toBeUndefined();
    expect(trie.get({ a: '1', b: '2', c: '3' })).toBeUndefined();
    trie.set(undefined, 'empty');
    expect(trie.get({})).toBe('empty');
  });

  it('keeps label sets of other names or key orders apart at every depth', () => {
    const trie = new LabelTrie<string>(10);
    trie.set({ a: '1', b: '2' }, 'ab');
    trie.set({ b: '2', a: '1' }, 'ba');
    trie.set({ c: '1' }, 'c');
    trie.set({ a: '1', c: '2' }, 'ac');
    trie.set({ a: '1' }, 'a');
    expect(trie.get({ a: '1', b: '2' })).toBe('ab');
    expect(trie.get({ b: '2', a: '1' })).toBe('ba');
    expect(trie.get({ c: '1' })).toBe('c');
    expect(trie.get({ a: '1', c: '2' })).toBe('ac');
    expect(trie.get({ a: '1' })).toBe('a');
    expect(trie.get({ a: '1', c: '1' })).toBeUndefined();
    expect(trie.get({ b: '1' })).toBeUndefined();
  });

  it('stops storing past its bound', () => {
    const trie = new LabelTrie<number>(2);
    expect(trie.set({ k: 'a' }, 1)).toBe(true);
    expect(trie.set({ k: 'b' }, 2)).toBe(true);
    expect(trie.set({ k: 'c' }, 3)).toBe(false);
    expect(trie.get({ k: 'c' })).toBeUndefined();
    expect(trie.set({ k: 'a' }, 4)).toBe(false);
  });
});
