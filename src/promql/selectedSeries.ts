/** Samples of one selected series as loaded for a query, with binary searches over time. */
import type { Labels, SeriesSamples } from './SampleSource.js';

export interface SelectedSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vals: Float64Array;
  /** 1 at staleness markers; undefined when there is none. */
  readonly stale: Uint8Array | undefined;
  /** The samples without staleness markers, for range windows (computed on first use). */
  clean?: { readonly ts: Float64Array; readonly vals: Float64Array };
}

export function toSelectedSeries(s: SeriesSamples): SelectedSeries {
  const stale = s.stale?.includes(true) ? Uint8Array.from(s.stale, (b) => (b ? 1 : 0)) : undefined;
  const asFloat64 = (a: readonly number[] | Float64Array) =>
    a instanceof Float64Array ? a : new Float64Array(a);
  return { labels: s.labels, ts: asFloat64(s.timestamps), vals: asFloat64(s.values), stale };
}

export function cleanSamples(s: SelectedSeries): { readonly ts: Float64Array; readonly vals: Float64Array } {
  if (s.clean) return s.clean;
  if (!s.stale) {
    s.clean = { ts: s.ts, vals: s.vals };
    return s.clean;
  }
  const ts: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < s.ts.length; i++) {
    if (s.stale[i]) continue;
    ts.push(s.ts[i]!);
    vals.push(s.vals[i]!);
  }
  s.clean = { ts: Float64Array.from(ts), vals: Float64Array.from(vals) };
  return s.clean;
}

/** The first index whose timestamp is greater than `t` (timestamps ascending). */
export function upperBound(ts: Float64Array, t: number, from = 0): number {
  let lo = from;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
