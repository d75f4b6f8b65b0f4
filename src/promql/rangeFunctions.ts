/**
 * Functions over range-vector windows. A window is the samples `[lo, hi)` of one series whose
 * timestamps fall in `(endMs - rangeMs, endMs]`; a function returns undefined for "no output".
 */
import { kahanSumInc, linearRegression, MeanAccumulator, quantile } from './mathUtil.js';
import { PromQLExecutionError } from './PromQLError.js';

export interface Window {
  readonly ts: Float64Array;
  readonly vals: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly rangeMs: number;
  /** The window's end (evaluation time minus offset, or the @ time). */
  readonly endMs: number;
  /** The evaluation step's time (predict_linear's intercept). */
  readonly stepMs: number;
  /** Scalar arguments at this step, in argument order. */
  readonly params: readonly number[];
}

export type RangeFunction = (w: Window) => number | undefined;

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vals, lo, hi } = w;
  const n = hi - lo;
  if (n < 2) return undefined;
  const first = vals[lo]!;
  let result = vals[hi - 1]! - first;
  if (isCounter) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vals[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  const rangeStart = w.endMs - w.rangeMs;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (w.endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (n - 1);
  const threshold = averageBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = averageBetween / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { ts, vals, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const interval = ts[hi - 1]! - ts[hi - 2]!;
  if (interval === 0) return undefined;
  const last = vals[hi - 1]!;
  const prev = vals[hi - 2]!;
  const v = isRate && last < prev ? last : last - prev;
  return isRate ? v / (interval / 1000) : v;
}

function collect(w: Window): number[] {
  const out: number[] = [];
  for (let i = w.lo; i < w.hi; i++) out.push(w.vals[i]!);
  return out;
}

function extremum(w: Window, max: boolean): number {
  let best = w.vals[w.lo]!;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.vals[i]!;
    if ((max ? v > best : v < best) || Number.isNaN(best)) best = v;
  }
  return best;
}

/** Index of the extreme value; later samples win ties, as Prometheus's ts_of_* do. */
function extremumIndex(w: Window, max: boolean): number {
  let bi = w.lo;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.vals[i]!;
    const best = w.vals[bi]!;
    if ((max ? v >= best : v <= best) || Number.isNaN(best)) bi = i;
  }
  return bi;
}

function variance(w: Window): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.vals[i]!;
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function trendValue(i: number, tf: number, s0: number, s1: number, b: number): number {
  if (i === 0) return b;
  return tf * (s1 - s0) + (1 - tf) * b;
}

function doubleExponentialSmoothing(w: Window): number | undefined {
  const [sf = Number.NaN, tf = Number.NaN] = w.params;
  if (!(sf > 0 && sf < 1))
    throw new PromQLExecutionError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1))
    throw new PromQLExecutionError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  const { vals, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  let s0 = 0;
  let s1 = vals[lo]!;
  let b = vals[lo + 1]! - vals[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const x = sf * vals[i]!;
    b = trendValue(i - lo - 1, tf, s0, s1, b);
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** The float implementation of each range-vector function. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  [
    'deriv',
    (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w.ts, w.vals, w.lo, w.hi, w.ts[w.lo]!)[0]),
  ],
  [
    'predict_linear',
    (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w.ts, w.vals, w.lo, w.hi, w.stepMs);
      return slope * w.params[0]! + intercept;
    },
  ],
  [
    'changes',
    (w) => {
      let n = 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const cur = w.vals[i]!;
        const prev = w.vals[i - 1]!;
        if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) n++;
      }
      return n;
    },
  ],
  [
    'resets',
    (w) => {
      let n = 0;
      for (let i = w.lo + 1; i < w.hi; i++) if (w.vals[i]! < w.vals[i - 1]!) n++;
      return n;
    },
  ],
  [
    'avg_over_time',
    (w) => {
      const acc = new MeanAccumulator();
      for (let i = w.lo; i < w.hi; i++) acc.add(w.vals[i]!);
      return acc.value();
    },
  ],
  [
    'sum_over_time',
    (w) => {
      let sum = 0;
      let c = 0;
      for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanSumInc(w.vals[i]!, sum, c);
      return Number.isFinite(sum) ? sum + c : sum;
    },
  ],
  ['count_over_time', (w) => w.hi - w.lo],
  ['min_over_time', (w) => extremum(w, false)],
  ['max_over_time', (w) => extremum(w, true)],
  ['last_over_time', (w) => w.vals[w.hi - 1]],
  ['first_over_time', (w) => w.vals[w.lo]],
  ['present_over_time', () => 1],
  ['stdvar_over_time', (w) => variance(w)],
  ['stddev_over_time', (w) => Math.sqrt(variance(w))],
  ['quantile_over_time', (w) => quantile(w.params[0]!, collect(w))],
  [
    'mad_over_time',
    (w) => {
      const values = collect(w);
      if (values.some(Number.isNaN)) return Number.NaN;
      const median = quantile(0.5, values);
      return quantile(
        0.5,
        values.map((v) => Math.abs(v - median)),
      );
    },
  ],
  ['ts_of_first_over_time', (w) => w.ts[w.lo]! / 1000],
  ['ts_of_last_over_time', (w) => w.ts[w.hi - 1]! / 1000],
  ['ts_of_max_over_time', (w) => w.ts[extremumIndex(w, true)]! / 1000],
  ['ts_of_min_over_time', (w) => w.ts[extremumIndex(w, false)]! / 1000],
  ['double_exponential_smoothing', doubleExponentialSmoothing],
]);

/** Range functions whose output keeps the metric name. */
export const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);
