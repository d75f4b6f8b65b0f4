/**
 * A SampleSource held in memory: for tests, the conformance runner and small embedded uses.
 * Samples may be added in any order; each series keeps them sorted by time.
 */

import { matches } from './labelMatch.js';
import { labelNamesOf, labelValuesOf } from './labelsOfSeries.js';
import { QueryLimitError } from './PromQLError.js';
import type { LabelMatcher, Labels, SampleSource, SelectLimits, SeriesSamples } from './SampleSource.js';
import { compareLabels } from './sortFunctions.js';
import { labelsKey } from './values.js';

interface StoredSeries {
  readonly labels: Labels;
  readonly timestamps: number[];
  readonly values: number[];
  readonly stale: boolean[];
  /** Typed copies handed out as views by select(); dropped when a sample is added. */
  packed?: { readonly ts: Float64Array; readonly vals: Float64Array };
}

function firstAtOrAfter(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemorySampleSource implements SampleSource {
  private readonly series = new Map<string, StoredSeries>();

  /** Adds one sample (or a staleness marker); a sample at an existing timestamp replaces it. */
  add(labels: Labels, timestampMs: number, value: number, stale = false): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, timestamps: [], values: [], stale: [] };
      this.series.set(key, s);
    }
    s.packed = undefined;
    const ts = s.timestamps;
    let i = ts.length;
    while (i > 0 && ts[i - 1]! > timestampMs) i--;
    if (i > 0 && ts[i - 1] === timestampMs) {
      s.values[i - 1] = stale ? Number.NaN : value;
      s.stale[i - 1] = stale;
      return;
    }
    ts.splice(i, 0, timestampMs);
    s.values.splice(i, 0, stale ? Number.NaN : value);
    s.stale.splice(i, 0, stale);
  }

  /** Removes every series. */
  clear(): void {
    this.series.clear();
  }

  private matching(matchers: readonly LabelMatcher[]): StoredSeries[] {
    const out: StoredSeries[] = [];
    for (const s of this.series.values()) if (matchers.every((m) => matches(m, s.labels))) out.push(s);
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    limits: SelectLimits,
  ): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    let loaded = 0;
    for (const s of this.matching(matchers)) {
      const lo = firstAtOrAfter(s.timestamps, startMs);
      const hi = firstAtOrAfter(s.timestamps, endMs + 1);
      if (hi === lo) continue;
      loaded += hi - lo;
      if (loaded > limits.maxSamples) throw new QueryLimitError(limits.maxSamples);
      s.packed ??= { ts: new Float64Array(s.timestamps), vals: new Float64Array(s.values) };
      const stale = s.stale.slice(lo, hi);
      out.push({
        labels: s.labels,
        timestamps: s.packed.ts.subarray(lo, hi),
        values: s.packed.vals.subarray(lo, hi),
        ...(stale.includes(true) ? { stale } : {}),
      });
    }
    return out;
  }

  private inRange(matchers: readonly LabelMatcher[], startMs: number, endMs: number): StoredSeries[] {
    return this.matching(matchers).filter((s) => s.timestamps.some((t) => t >= startMs && t <= endMs));
  }

  async matchingSeries(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<Labels[]> {
    return this.inRange(matchers, startMs, endMs).map((s) => s.labels);
  }

  async labelNames(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<string[]> {
    return labelNamesOf(await this.matchingSeries(matchers, startMs, endMs));
  }

  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    return labelValuesOf(await this.matchingSeries(matchers, startMs, endMs), name);
  }
}
