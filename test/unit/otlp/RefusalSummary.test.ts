import { describe, expect, it } from 'vitest';
import { RefusalSummary } from '../../../src/otlp/RefusalSummary.js';

describe('RefusalSummary', () => {
  it('is empty until something is refused', () => {
    const summary = new RefusalSummary('span');
    expect(summary.count).toBe(0);
    expect(summary.message()).toBe('');
  });

  it('groups by kind, tells each group by its first example, and keeps the exact count', () => {
    const summary = new RefusalSummary('span');
    summary.add('too-old', 'start time 1970-01-01T00:00:00Z is older than the 30-day retention');
    summary.add('too-new', 'start time 2554-07-21T23:34:33Z is more than a day in the future');
    summary.add('too-old', 'start time 1999-01-01T00:00:00Z is older than the 30-day retention');
    expect(summary.count).toBe(3);
    expect(summary.message()).toBe(
      '3 span(s) refused: start time 1970-01-01T00:00:00Z is older than the 30-day retention (and 1 more like it); ' +
        'start time 2554-07-21T23:34:33Z is more than a day in the future',
    );
  });

  it('names at most ten groups', () => {
    const summary = new RefusalSummary('data point');
    for (let i = 0; i < 13; i++) summary.add(`kind ${i}`, `reason ${i}`);
    expect(summary.count).toBe(13);
    expect(summary.message()).toMatch(
      /^13 data point\(s\) refused: reason 0; .*; reason 9; 3 for other reasons$/,
    );
  });
});
