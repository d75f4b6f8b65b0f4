import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketKey, bucketValue, LogSketch, RELATIVE_ACCURACY } from '../../../src/metrics/LogSketch.js';

/** percentile_cont over sorted values. */
function exact(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

// Normal floats: below 2.2e-308 (subnormals) floats are spaced 5e-324 apart, so no relative bound can hold.
const MIN_NORMAL = 2.2250738585072014e-308;
const positive = fc.double({ min: MIN_NORMAL, max: Number.MAX_VALUE / 4, noNaN: true });
const anyFinite = fc.double({ min: -Number.MAX_VALUE / 4, max: Number.MAX_VALUE / 4, noNaN: true });
// Float rounding at a bucket's edge may add a few ulps to the 1% bound.
const BOUND = RELATIVE_ACCURACY * (1 + 1e-9);

describe('LogSketch', () => {
  it('represents every finite value within 1% by its bucket', () => {
    fc.assert(
      fc.property(anyFinite, (v) => {
        const estimate = bucketValue(bucketKey(v));
        expect(Math.abs(estimate - v)).toBeLessThanOrEqual(Math.abs(v) * BOUND);
      }),
      { numRuns: 5000 },
    );
  });

  it('orders bucket keys like the values', () => {
    fc.assert(
      fc.property(anyFinite, anyFinite, (a, b) => {
        if (a < b) expect(bucketKey(a)).toBeLessThanOrEqual(bucketKey(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers every quantile of positive data within 1% of percentile_cont', () => {
    fc.assert(
      fc.property(
        fc.array(positive, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sketch = new LogSketch();
          for (const v of values) sketch.add(v);
          const truth = exact(
            [...values].sort((a, b) => a - b),
            p,
          );
          expect(Math.abs(sketch.quantile(p)! - truth)).toBeLessThanOrEqual(truth * BOUND);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps exact count, sum, min and max, and exact extremes at p=0 and p=1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const sketch = new LogSketch();
          for (const v of values) sketch.add(v);
          expect(sketch.count).toBe(values.length);
          expect(sketch.sum).toBe(values.reduce((a, b) => a + b, 0));
          expect(sketch.min).toBe(Math.min(...values));
          expect(sketch.max).toBe(Math.max(...values));
          expect(sketch.quantile(0)).toBe(sketch.min);
          expect(sketch.quantile(1)).toBe(sketch.max);
        },
      ),
    );
  });

  it('merges like one sketch fed everything', () => {
    fc.assert(
      fc.property(
        fc.array(anyFinite),
        fc.array(anyFinite),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, p) => {
          const left = new LogSketch();
          const right = new LogSketch();
          const all = new LogSketch();
          for (const v of a) {
            left.add(v);
            all.add(v);
          }
          for (const v of b) {
            right.add(v);
            all.add(v);
          }
          left.merge(right);
          expect(left.toBuckets()).toEqual(all.toBuckets());
          expect(left.quantile(p)).toBe(all.quantile(p));
        },
      ),
    );
  });

  it('counts observations at or below a bound to bucket precision', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 1 }), positive, (values, bound) => {
        const sketch = new LogSketch();
        for (const v of values) sketch.add(v);
        const below = values.filter((v) => v <= bound * (1 - BOUND * 2)).length;
        const upTo = values.filter((v) => v <= bound * (1 + BOUND * 2)).length;
        const counted = sketch.countAtOrBelow(bound);
        expect(counted).toBeGreaterThanOrEqual(below);
        expect(counted).toBeLessThanOrEqual(upTo);
      }),
    );
  });

  it('is empty: quantile null, counts zero, clear() forgets', () => {
    const sketch = new LogSketch();
    expect(sketch.quantile(0.5)).toBeNull();
    sketch.add(3);
    sketch.clear();
    expect(sketch.quantile(0.5)).toBeNull();
    expect(sketch.countAtOrBelow(10)).toBe(0);
  });
});
