import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogSketch, RELATIVE_ACCURACY } from '../../src/metrics/LogSketch.js';

// Positive-data accuracy for arbitrary value lists is in test/unit/metrics/LogSketch.test.ts; here the
// data come from whole distributions (skewed, heavy-tailed, multi-modal, mixed sign, with ties).

/** The nearest-rank quantile the sketch promises to approximate (lower value at a rank tie). */
function rankValue(sorted: readonly number[], p: number): number {
  return sorted[Math.floor(p * (sorted.length - 1))]!;
}

const unit = fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true });
const samples = (n: number, draw: (u: number) => number) =>
  fc
    .array(unit, { minLength: 1, maxLength: n })
    .map((us) => us.map(draw))
    .filter((vs) => vs.every(Number.isFinite));
const distribution = fc.oneof(
  fc.double({ min: 1e-6, max: 1e6, noNaN: true }).chain((scale) => samples(400, (u) => -Math.log(u) * scale)), // exponential
  fc
    .double({ min: -5, max: 5, noNaN: true })
    .chain((mu) => samples(400, (u) => Math.exp(mu + (3 * Math.tan(Math.PI * (u - 0.5))) / 10))), // lognormal-ish
  fc.double({ min: 0.5, max: 3, noNaN: true }).chain((alpha) => samples(400, (u) => u ** (-1 / alpha))), // Pareto, heavy tail
  samples(400, (u) => (u < 0.5 ? 1e-3 * (1 + u) : 1e4 * (1 + u))), // two modes, seven decades apart
  samples(400, (u) => (u < 0.3 ? -1e3 * u - 1 : u < 0.4 ? 0 : 1e2 * u)), // negatives, zeros, positives
  fc.array(fc.constantFrom(0.25, 1, 42, 1e9), { minLength: 1, maxLength: 400 }), // heavy ties
);

describe('LogSketch accuracy on any distribution', () => {
  it(`answers every quantile within ${RELATIVE_ACCURACY * 100}% of a true order statistic`, () => {
    fc.assert(
      fc.property(distribution, fc.double({ min: 0, max: 1, noNaN: true }), (values, p) => {
        const sketch = new LogSketch();
        for (const v of values) sketch.add(v);
        const sorted = [...values].sort((a, b) => a - b);
        const answer = sketch.quantile(p)!;
        // Within the bound of the value at the quantile's rank or of its neighbour (interpolation).
        const rank = p * (sorted.length - 1);
        const candidates = [sorted[Math.floor(rank)]!, sorted[Math.ceil(rank)]!, rankValue(sorted, p)];
        const lo = Math.min(...candidates);
        const hi = Math.max(...candidates);
        const slack = (x: number) => Math.abs(x) * RELATIVE_ACCURACY * (1 + 1e-9);
        expect(answer).toBeGreaterThanOrEqual(lo - slack(lo));
        expect(answer).toBeLessThanOrEqual(hi + slack(hi));
        expect(sketch.count).toBe(values.length);
      }),
      { numRuns: 1500 },
    );
  });
});
