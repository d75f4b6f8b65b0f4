/** histogram_quantile and histogram_fraction over classic histograms (series with an `le` label). */
import { labelsKey, newStepSeries, type StepSeries, type Value } from './values.js';

interface Bucket {
  upper: number;
  count: number;
}

const MIN_NORMAL = 2.2250738585072014e-308;
const SMALL_DELTA_TOLERANCE = 1e-12;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Sorts, merges equal bounds; undefined when the +Inf bucket is missing. */
function prepare(buckets: Bucket[]): Bucket[] | undefined {
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets[buckets.length - 1]?.upper !== Number.POSITIVE_INFINITY) return undefined;
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

/** Forces cumulative counts to be monotonic, ignoring float noise, as Prometheus does. */
function ensureMonotonic(buckets: Bucket[]): boolean {
  let forced = false;
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      buckets[i]!.count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i]!.count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return forced;
}

/** The q-quantile of classic buckets; `onForcedMonotonic` is told when counts had to be fixed. */
export function bucketQuantile(q: number, input: Bucket[], onForcedMonotonic: () => void = () => {}): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const buckets = prepare(input);
  if (!buckets) return Number.NaN;
  if (ensureMonotonic(buckets)) onForcedMonotonic();
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let start = 0;
  const end = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const buckets = prepare(input);
  if (!buckets) return Number.NaN;
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    // The first bucket starts at 0 when its upper bound is positive; a bucket of infinite width
    // contributes nothing to a fraction (no interpolation).
    const lowerBound = i > 0 ? buckets[i - 1]!.upper : b.upper > 0 ? 0 : Number.NEGATIVE_INFINITY;
    const interpolate = (v: number, isLower: boolean) => {
      if (Number.isFinite(lowerBound) && Number.isFinite(b.upper)) {
        return rank + ((b.count - rank) * (v - lowerBound)) / (b.upper - lowerBound);
      }
      return isLower && !Number.isFinite(lowerBound) ? b.count : rank;
    };
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && b.upper > lower) {
      lowerRank = interpolate(lower, true);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && b.upper > upper) {
      upperRank = interpolate(upper, false);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/** Groups bucket series by their labels without `le`; one output series per group. */
type Note = (kind: 'warning' | 'info', message: string) => void;

function perHistogram(
  series: readonly StepSeries[],
  note: Note,
  compute: (buckets: Bucket[], step: number, name: string) => number,
): Value {
  const groups = new Map<string, { out: StepSeries; members: { s: StepSeries; le: number }[] }>();
  for (const s of series) {
    const leText = s.labels.le ?? '';
    const le = leText.toLowerCase().endsWith('inf')
      ? leText.startsWith('-')
        ? -Infinity
        : Infinity
      : Number(leText);
    if (leText.trim() === '' || (Number.isNaN(le) && leText.toLowerCase() !== 'nan')) {
      note(
        'warning',
        `bucket label "le" is missing or has a malformed value of "${leText}" for metric name "${s.labels.__name__ ?? ''}"`,
      );
      continue;
    }
    const { le: _, ...rest } = s.labels;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) {
      g = { out: newStepSeries(rest, s.values.length, true), members: [] };
      groups.set(key, g);
    }
    g.members.push({ s, le });
  }
  const out: StepSeries[] = [];
  for (const { out: o, members } of groups.values()) {
    for (let i = 0; i < o.values.length; i++) {
      const buckets: Bucket[] = [];
      for (const m of members) if (m.s.present[i]) buckets.push({ upper: m.le, count: m.s.values[i]! });
      if (buckets.length === 0) continue;
      o.values[i] = compute(buckets, i, o.labels.__name__ ?? '');
      o.present[i] = 1;
    }
    if (o.present.includes(1)) out.push(o);
  }
  return { kind: 'vector', series: out };
}

export function histogramQuantile(q: Float64Array, series: readonly StepSeries[], note: Note): Value {
  return perHistogram(series, note, (buckets, i, name) =>
    bucketQuantile(q[i]!, buckets, () =>
      note(
        'info',
        `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "${name}"`,
      ),
    ),
  );
}

export function histogramFraction(
  lower: Float64Array,
  upper: Float64Array,
  series: readonly StepSeries[],
  note: Note,
): Value {
  return perHistogram(series, note, (buckets, i) => bucketFraction(lower[i]!, upper[i]!, buckets));
}
