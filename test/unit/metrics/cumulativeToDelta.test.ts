import { describe, expect, it } from 'vitest';
import {
  type CumulativePoint,
  type CumulativeState,
  type CumulativeValue,
  cumulativeToDelta,
} from '../../../src/metrics/cumulativeToDelta.js';
import { testSeries } from '../../helpers/series.js';

const series = testSeries('requests', { route: '/a' });
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const sum = (value: number): CumulativeValue => ({ kind: 'sum', value });
const point = (start: number | null, second: number, value: CumulativeValue): CumulativePoint => ({
  series,
  startTime: start === null ? null : at(start),
  countsFromStart: start !== null && start <= second,
  time: at(second),
  value,
  exemplars: [],
});
/** [value, interval start second, interval end second] of each row. */
const intervals = (rows: ReturnType<typeof cumulativeToDelta>['rows']) =>
  rows.map((r) => [r[2], r[14]!.getUTCSeconds(), r[3].getUTCSeconds()]);

describe('cumulativeToDelta', () => {
  it('stores the first point from its start time, then the differences between points', () => {
    const result = cumulativeToDelta(
      [point(0, 10, sum(5)), point(0, 20, sum(12)), point(0, 30, sum(12))],
      new Map(),
    );
    expect(intervals(result.rows)).toEqual([
      [5, 0, 10],
      [7, 10, 20],
    ]);
    expect(result.states.get(series.id)).toEqual({ startTime: at(0), lastTime: at(30), value: sum(12) });
  });

  it('continues from a saved state and orders points by time', () => {
    const saved = new Map<string, CumulativeState>([
      [series.id, { startTime: at(0), lastTime: at(10), value: sum(5) }],
    ]);
    const result = cumulativeToDelta([point(0, 30, sum(20)), point(0, 20, sum(8))], saved);
    expect(intervals(result.rows)).toEqual([
      [3, 10, 20],
      [12, 20, 30],
    ]);
  });

  it('skips a resent or late point: at or before the last one', () => {
    const saved = new Map<string, CumulativeState>([
      [series.id, { startTime: at(0), lastTime: at(20), value: sum(8) }],
    ]);
    const result = cumulativeToDelta([point(0, 20, sum(8)), point(0, 15, sum(6))], saved);
    expect(result.rows).toEqual([]);
    expect(result.stale).toBe(2);
  });

  it('detects a reset by a new start time (a restarted process) and by a total that went down', () => {
    const saved = new Map<string, CumulativeState>([
      [series.id, { startTime: at(0), lastTime: at(20), value: sum(100) }],
    ]);
    const restarted = cumulativeToDelta([point(25, 30, sum(4))], saved);
    expect(intervals(restarted.rows)).toEqual([[4, 25, 30]]);
    const lower = cumulativeToDelta([point(0, 30, sum(3))], saved);
    expect(intervals(lower.rows)).toEqual([[3, 20, 30]]);
  });

  it('takes the first point without a start time as the baseline only', () => {
    const result = cumulativeToDelta([point(null, 10, sum(50)), point(null, 20, sum(60))], new Map());
    expect(intervals(result.rows)).toEqual([[10, 10, 20]]);
  });

  it('subtracts explicit-bucket histograms bucket by bucket, keeping min/max only where they moved', () => {
    const h = (counts: number[], sumValue: number, max: number): CumulativeValue => ({
      kind: 'explicit',
      boundaries: [10, 100],
      counts,
      count: counts.reduce((a, b) => a + b, 0),
      sum: sumValue,
      min: 1,
      max,
    });
    const result = cumulativeToDelta(
      [point(0, 10, h([1, 1, 0], 51, 50)), point(0, 20, h([1, 3, 1], 371, 200))],
      new Map(),
    );
    const second = result.rows[1]!;
    expect([second[1], second[5], second[6], second[8]]).toEqual(['histogram', 3, 320, 200]);
    // The running min did not move, so the interval's min is only known to lie in its lowest bucket.
    expect(second[7]).toBeGreaterThan(10);
    expect(second[7]).toBeLessThanOrEqual(100);
    // A change of bucket bounds is a new histogram: the whole point counts.
    const rebucketed = cumulativeToDelta(
      [
        point(0, 30, {
          ...(h([0, 2, 0], 40, 30) as Extract<CumulativeValue, { kind: 'explicit' }>),
          boundaries: [5, 50],
        }),
      ],
      result.states,
    );
    expect(rebucketed.rows[0]![5]).toBe(2);
  });

  it('subtracts exponential histograms across a change of scale', () => {
    const first: CumulativeValue = {
      kind: 'exponential',
      count: 2,
      sum: 3,
      scale: 1,
      zeroCount: 0,
      positive: { offset: 0, bucketCounts: [1, 1] },
      negative: { offset: 0, bucketCounts: [] },
    };
    const second: CumulativeValue = {
      ...first,
      count: 5,
      sum: 20,
      scale: 0,
      positive: { offset: 0, bucketCounts: [2, 3] },
    };
    const result = cumulativeToDelta([point(0, 10, first), point(0, 20, second)], new Map());
    expect(result.rows.map((r) => r[5])).toEqual([2, 3]);
    expect(result.states.get(series.id)!.value).toEqual(second);
  });
});
