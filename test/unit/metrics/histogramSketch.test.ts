import { describe, expect, it } from 'vitest';
import { sketchFromExplicit, sketchFromExponential } from '../../../src/metrics/histogramSketch.js';

/** The OpenTelemetry SDK's default explicit bucket boundaries. */
const SDK_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

function bucketCounts(values: readonly number[], boundaries: readonly number[]): number[] {
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  for (const v of values) {
    const i = boundaries.findIndex((b) => v <= b);
    counts[i === -1 ? boundaries.length : i]!++;
  }
  return counts;
}

/** Prometheus's histogram_quantile on classic buckets, written from its documented algorithm. */
function histogramQuantile(q: number, boundaries: readonly number[], counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (seen + counts[i]! >= rank && counts[i]! > 0) {
      if (i === boundaries.length) return boundaries.at(-1)!;
      const upper = boundaries[i]!;
      const lower = i === 0 ? Math.min(0, upper) : boundaries[i - 1]!;
      return lower + ((upper - lower) * (rank - seen)) / counts[i]!;
    }
    seen += counts[i]!;
  }
  return boundaries.at(-1)!;
}

function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
}

function sketchOf(values: readonly number[], boundaries = SDK_BOUNDARIES) {
  return sketchFromExplicit({
    boundaries,
    counts: bucketCounts(values, boundaries),
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
  });
}

describe('sketchFromExplicit', () => {
  it('interpolates within buckets: 1..1000 on the SDK default buckets gives p90/p95/p99 within 1%', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const sketch = sketchOf(values);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(sketch.quantile(q)! - exact) / exact, `p${q * 100}`).toBeLessThan(0.011);
    }
    expect([sketch.count, sketch.sum, sketch.min, sketch.max]).toEqual([1000, 500500, 1, 1000]);
  });

  it('is at least as accurate as histogram_quantile on the same buckets, within 1%', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed + 1) / 2147483649;
    };
    const normal = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    const distributions: Record<string, () => number> = {
      uniform: () => 1 + random() * 999,
      'log-normal latencies': () => Math.exp(4 + normal()),
      exponential: () => -200 * Math.log(random()),
      bimodal: () => (random() < 0.8 ? 20 + 5 * normal() : 800 + 100 * normal()),
    };
    for (const [name, draw] of Object.entries(distributions)) {
      const values = Array.from({ length: 5000 }, () => Math.max(0.001, draw()));
      const counts = bucketCounts(values, SDK_BOUNDARIES);
      const sketch = sketchOf(values);
      for (const q of [0.5, 0.9, 0.95, 0.99]) {
        const exact = exactQuantile(values, q);
        const ours = Math.abs(sketch.quantile(q)! - exact);
        const prometheus = Math.abs(histogramQuantile(q, SDK_BOUNDARIES, counts) - exact);
        expect(ours, `${name} p${q * 100}`).toBeLessThanOrEqual(prometheus + 0.01 * exact);
      }
    }
  });

  it('keeps every value inside its bucket bounds narrowed by min and max', () => {
    const sketch = sketchFromExplicit({
      boundaries: [10, 100],
      counts: [2, 0, 3],
      sum: 1234,
      min: 4,
      max: 400,
    });
    expect([sketch.count, sketch.sum, sketch.min, sketch.max]).toEqual([5, 1234, 4, 400]);
    expect(sketch.quantile(0)!).toBeGreaterThanOrEqual(4 * 0.99);
    expect(sketch.quantile(0.25)!).toBeLessThanOrEqual(10 * 1.01);
    expect(sketch.quantile(0.75)!).toBeGreaterThan(100);
    expect(sketch.quantile(1)!).toBeLessThanOrEqual(400 * 1.01);
  });

  it('spreads buckets that cross zero and negative buckets on the right side of zero', () => {
    const values = Array.from({ length: 200 }, (_, i) => i - 100 + 0.5); // -99.5 .. 99.5
    const sketch = sketchOf(values, [-50, 0, 50]);
    expect(sketch.countAtOrBelow(0)).toBeGreaterThanOrEqual(99);
    expect(sketch.countAtOrBelow(0)).toBeLessThanOrEqual(101);
    expect(Math.abs(sketch.quantile(0.25)! - exactQuantile(values, 0.25))).toBeLessThan(2);
  });

  it('without min and max, puts the overflow bucket at its lower bound as histogram_quantile does', () => {
    const sketch = sketchFromExplicit({ boundaries: [1, 2], counts: [0, 0, 10] });
    expect(sketch.quantile(0.5)!).toBeCloseTo(2, 1);
  });
});

describe('sketchFromExponential', () => {
  it('converts exponential buckets, zeros and negatives included', () => {
    const sketch = sketchFromExponential({
      sum: 0,
      scale: 3,
      zeroCount: 1,
      positive: { offset: 8, bucketCounts: [2] }, // (2^(8/8), 2^(9/8)] = (2, 2.18]
      negative: { offset: 0, bucketCounts: [1] }, // [-1.09, -1)
    });
    expect(sketch.count).toBe(4);
    expect(sketch.quantile(0)!).toBeCloseTo(-1.044, 1);
    expect(sketch.countAtOrBelow(0)).toBe(2);
    expect(sketch.quantile(1)!).toBeGreaterThan(2);
    expect(sketch.quantile(1)!).toBeLessThan(2.19);
  });
});
