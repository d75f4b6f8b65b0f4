/**
 * A DDSketch-style log-bucket sketch: every value lands in a bucket whose bounds differ by a factor
 * `GAMMA`, so the bucket's representative value is within `RELATIVE_ACCURACY` (1%) of every value in
 * it. Count, sum, min and max are kept exactly. Pure: no I/O; the same key mapping is installed in SQL
 * (`metric_bucket_key`, `metric_bucket_value`) so sketches merge in the database too.
 */

/** Relative accuracy of every quantile read from a sketch. */
export const RELATIVE_ACCURACY = 0.01;
// (1 + 0.01) / (1 - 0.01), written as 101/99 so JavaScript and SQL compute the same double.
const GAMMA = 101 / 99;
const LN_GAMMA = Math.log(GAMMA);
/** Shifts bucket indexes so that every non-zero finite double (subnormals too) has |key| >= 1. */
const KEY_OFFSET = 40_000;
const LN_REPRESENTATIVE = Math.log(2 / (1 + GAMMA));
const LN_MAX_VALUE = Math.log(Number.MAX_VALUE);

/**
 * The bucket key of a finite value. Keys sort like the values they stand for: 0 for zero,
 * positive keys for positive values, negative keys (mirrored) for negative values.
 */
export function bucketKey(value: number): number {
  if (value === 0) return 0;
  const index = Math.ceil(Math.log(Math.abs(value)) / LN_GAMMA) + KEY_OFFSET;
  return value > 0 ? index : -index;
}

/** The representative value of a bucket: within 1% of every value the bucket holds. */
export function bucketValue(key: number): number {
  if (key === 0) return 0;
  const exponent = (Math.abs(key) - KEY_OFFSET) * LN_GAMMA + LN_REPRESENTATIVE;
  const magnitude = exponent >= LN_MAX_VALUE ? Number.MAX_VALUE : Math.exp(exponent);
  return key > 0 ? magnitude : -magnitude;
}

/** The largest magnitude a positive bucket key holds (its values lie in (upper / GAMMA, upper]). */
export function bucketUpperBound(key: number): number {
  return Math.exp((Math.abs(key) - KEY_OFFSET) * LN_GAMMA);
}

/** Sorted bucket keys and their counts, the form stored in `sketch_keys` / `sketch_counts`. */
export interface SketchBuckets {
  keys: number[];
  counts: number[];
}

export class LogSketch {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private readonly buckets = new Map<number, number>();

  /** Adds one observation; the caller guarantees a finite number. */
  add(value: number): void {
    const key = bucketKey(value);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /**
   * Adds `count` observations known only by bucket (an imported histogram). `min`/`max` bound them
   * when known; otherwise the bucket's value stands in.
   */
  addBucket(key: number, count: number, sum?: number): void {
    if (count <= 0) return;
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + count);
    this.count += count;
    const value = bucketValue(key);
    this.sum += sum ?? value * count;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds every observation of `other` to this sketch. */
  merge(other: LogSketch): void {
    for (const [key, count] of other.buckets) this.buckets.set(key, (this.buckets.get(key) ?? 0) + count);
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Forgets every observation (keeps the object so bound handles stay valid). */
  clear(): void {
    this.buckets.clear();
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  /** Buckets sorted by key. */
  toBuckets(): SketchBuckets {
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    return { keys, counts: keys.map((k) => this.buckets.get(k)!) };
  }

  /** Observations whose value is <= `bound`, to bucket precision (for Prometheus `le` buckets). */
  countAtOrBelow(bound: number): number {
    if (bound >= this.max) return this.count;
    if (bound < this.min) return 0;
    const limit = bucketKey(bound);
    let total = 0;
    for (const [key, count] of this.buckets) if (key <= limit) total += count;
    return total;
  }

  /**
   * The p-quantile (0 <= p <= 1), interpolated between neighbouring ranks like `percentile_cont`,
   * within 1% of the exact value for same-signed data; `null` when empty. p=0 and p=1 are exact.
   */
  quantile(p: number): number | null {
    return sketchQuantile(this.toBuckets(), p, this.min, this.max);
  }
}

/**
 * The p-quantile of sorted buckets, clamped to the exact `min`/`max`. Mirrors the SQL function
 * `metric_sketch_quantile` so the library and the database agree.
 */
export function sketchQuantile(buckets: SketchBuckets, p: number, min: number, max: number): number | null {
  const total = buckets.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * (total - 1);
  const low = Math.floor(rank);
  const lowValue = valueAtRank(buckets, low, total, min, max);
  const fraction = rank - low;
  if (fraction === 0) return lowValue;
  const highValue = valueAtRank(buckets, low + 1, total, min, max);
  return lowValue + (highValue - lowValue) * fraction;
}

function valueAtRank(buckets: SketchBuckets, rank: number, total: number, min: number, max: number): number {
  if (rank <= 0) return min;
  if (rank >= total - 1) return max;
  let seen = 0;
  for (let i = 0; i < buckets.keys.length; i++) {
    seen += buckets.counts[i]!;
    if (seen > rank) return Math.min(max, Math.max(min, bucketValue(buckets.keys[i]!)));
  }
  return max;
}
