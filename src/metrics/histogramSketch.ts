import { bucketKey, bucketUpperBound, LogSketch } from './LogSketch.js';

/** An explicit-bucket histogram: `counts[i]` observations in (boundaries[i-1], boundaries[i]]. */
export interface ExplicitHistogram {
  boundaries: readonly number[];
  counts: readonly number[];
  sum?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

/** An exponential (base-2 scaled) histogram, as OpenTelemetry defines it. */
export interface ExponentialHistogram {
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: readonly number[] };
  negative: { offset: number; bucketCounts: readonly number[] };
  sum?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

// Below this fraction of a range's upper end, a range starting at zero is folded into one bucket:
// it keeps the spread to a few hundred sketch buckets and moves at most 0.01% of the range's mass.
const LOW_END_FRACTION = 1e-4;

/** Spreads `count` observations evenly over [low, high] of one sign (0 <= low < high), as sketch keys of `sign`. */
function spreadOneSign(sketch: LogSketch, low: number, high: number, count: number, sign: 1 | -1): void {
  const from = Math.max(low, high * LOW_END_FRACTION);
  let placed = 0;
  for (let key = bucketKey(from); placed < count; key++) {
    const upper = Math.min(high, bucketUpperBound(key));
    const upTo = upper >= high ? count : Math.round(((upper - low) / (high - low)) * count);
    if (upTo > placed) sketch.addBucket(sign * key, upTo - placed);
    placed = Math.max(placed, upTo);
  }
}

/**
 * Spreads `count` observations evenly over [low, high], as a histogram's linear interpolation within
 * a bucket assumes (Prometheus's `histogram_quantile` does the same).
 */
export function spreadEvenly(sketch: LogSketch, low: number, high: number, count: number): void {
  if (count <= 0) return;
  if (!(low < high) || !Number.isFinite(high - low)) {
    sketch.addBucket(bucketKey(Number.isFinite(high) ? high : low), count);
    return;
  }
  const below = low < 0 ? Math.round((count * (Math.min(high, 0) - low)) / (high - low)) : 0;
  if (below > 0) spreadOneSign(sketch, Math.max(0, -high), -low, below, -1);
  if (count > below) spreadOneSign(sketch, Math.max(0, low), high, count - below, 1);
}

const clamp = (value: number, min: number | undefined, max: number | undefined) =>
  Math.min(max ?? value, Math.max(min ?? value, value));

/**
 * Sketch of an explicit-bucket histogram: each bucket's observations spread evenly between its
 * bounds, narrowed to the exact min/max where known. The first bucket starts at 0 (or at its upper
 * bound when that is not positive) and the overflow bucket ends at its lower bound, unless min and
 * max say better: the same assumptions as `histogram_quantile`.
 */
export function sketchFromExplicit(h: ExplicitHistogram): LogSketch {
  const sketch = new LogSketch();
  const { boundaries, counts } = h;
  counts.forEach((count, i) => {
    if (count <= 0) return;
    const upperBound = i < boundaries.length ? boundaries[i]! : (h.max ?? boundaries.at(-1) ?? 0);
    const lowerBound = i > 0 ? boundaries[i - 1]! : (h.min ?? Math.min(0, upperBound));
    const high = clamp(upperBound, h.min, h.max);
    spreadEvenly(sketch, Math.min(high, clamp(lowerBound, h.min, h.max)), high, count);
  });
  return withExactStats(sketch, h);
}

/** Sketch of an exponential histogram: each bucket's count at its geometric middle. */
export function sketchFromExponential(h: ExponentialHistogram): LogSketch {
  const sketch = new LogSketch();
  const lnBase = Math.LN2 * 2 ** -h.scale;
  const add = (sign: number, offset: number, counts: readonly number[]) =>
    counts.forEach((count, i) => {
      const middle = sign * Math.exp((offset + i + 0.5) * lnBase);
      if (count > 0) sketch.addBucket(bucketKey(clamp(middle, h.min, h.max)), count);
    });
  sketch.addBucket(0, h.zeroCount);
  add(1, h.positive.offset, h.positive.bucketCounts);
  add(-1, h.negative.offset, h.negative.bucketCounts);
  return withExactStats(sketch, h);
}

function withExactStats(sketch: LogSketch, h: { sum?: number; min?: number; max?: number }): LogSketch {
  if (h.sum !== undefined) sketch.sum = h.sum;
  if (h.min !== undefined) sketch.min = h.min;
  if (h.max !== undefined) sketch.max = h.max;
  return sketch;
}
