import { describe, expect, it } from 'vitest';
import { nextFlushTime } from '../../../src/metrics/nextFlushTime.js';

describe('nextFlushTime', () => {
  it('stays on the grid of the interval however late the flush ran', () => {
    expect(nextFlushTime(1000, 1000, 1000)).toBe(2000);
    expect(nextFlushTime(1000, 1040, 1000)).toBe(2000);
    expect(nextFlushTime(1000, 1999, 1000)).toBe(2000);
  });

  it('skips the flushes missed entirely', () => {
    expect(nextFlushTime(1000, 2000, 1000)).toBe(3000);
    expect(nextFlushTime(1000, 3500, 1000)).toBe(4000);
  });
});
