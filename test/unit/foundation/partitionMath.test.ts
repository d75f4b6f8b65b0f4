import { describe, expect, it } from 'vitest';
import {
  isExpired,
  monthStart,
  monthsAhead,
  partitionMonth,
  partitionName,
  retentionCutoff,
} from '../../../src/schema/partitionMath.js';

describe('partition month arithmetic', () => {
  it('finds the UTC month of an instant whatever its offset', () => {
    expect(monthStart(new Date('2026-03-01T00:30:00+02:00')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(monthStart(Date.parse('2026-12-31T23:59:59Z'), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('names partitions and reads the names back', () => {
    const month = new Date(Date.UTC(2026, 0, 1));
    expect(partitionName('metrics', month)).toBe('metrics_p2026_01');
    expect(partitionMonth('metrics', 'metrics_p2026_01')).toEqual(month);
    expect(partitionMonth('metrics', 'metrics_default')).toBeUndefined();
    expect(partitionMonth('metrics', 'spans_p2026_01')).toBeUndefined();
  });

  it('lists the current month and the months ahead', () => {
    expect(
      monthsAhead(Date.parse('2026-11-28T00:00:00Z'), 2).map((d) => d.toISOString().slice(0, 7)),
    ).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('expires a month only when all of it is older than the cutoff', () => {
    const cutoff = retentionCutoff(Date.parse('2026-04-15T00:00:00Z'), 30);
    expect(cutoff.toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(isExpired(new Date(Date.UTC(2026, 1, 1)), cutoff)).toBe(true);
    expect(isExpired(new Date(Date.UTC(2026, 2, 1)), cutoff)).toBe(false);
  });
});
