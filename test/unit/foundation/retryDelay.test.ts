import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../src/retryDelay.js';

const defaults = { baseMs: 100, maxMs: 30_000 };

describe('retryDelay', () => {
  it('waits up to baseMs after the first failure, jittered down to half', () => {
    expect(retryDelay(1, undefined, defaults, () => 0)).toBe(50);
    expect(retryDelay(1, undefined, defaults, () => 0.999999)).toBe(100);
  });

  it('doubles per further failure and stops at maxMs', () => {
    expect(retryDelay(4, undefined, defaults, () => 0.5)).toBe(600);
    expect(retryDelay(4, { baseMs: 1_000 }, defaults, () => 0.999999)).toBe(8_000);
    expect(retryDelay(50, { maxMs: 1_000 }, defaults, () => 1)).toBe(1_000);
    expect(retryDelay(10_000, undefined, defaults, () => 1)).toBe(30_000);
  });

  it('takes each option over its default, field by field, an undefined one included', () => {
    expect(retryDelay(1, { baseMs: 1_000, maxMs: undefined }, defaults, () => 1)).toBe(1_000);
    expect(retryDelay(20, { baseMs: undefined, maxMs: 2_000 }, defaults, () => 1)).toBe(2_000);
  });

  it('treats zero failures like the first', () => {
    expect(retryDelay(0, undefined, defaults, () => 1)).toBe(retryDelay(1, undefined, defaults, () => 1));
  });
});
