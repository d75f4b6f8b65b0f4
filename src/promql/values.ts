/**
 * In-memory values of the evaluator. A vector is evaluated for all steps of a query at once: each
 * series has one value slot per step and a presence flag, so labels, signatures and groupings are
 * computed once per series instead of once per step.
 */
import { PromQLExecutionError } from './PromQLError.js';
import type { Labels } from './SampleSource.js';

/** One series of an instant-vector expression over the evaluation steps. */
export interface StepSeries {
  labels: Labels;
  /** Prometheus drops `__name__` lazily: set by name-dropping operations, applied to the result. */
  dropName: boolean;
  readonly values: Float64Array;
  /** 1 where the series has a value at that step. */
  readonly present: Uint8Array;
}

/** The raw samples of one series (staleness markers removed) for range-vector windows. */
export interface RawSeries {
  readonly labels: Labels;
  readonly dropName: boolean;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export type Value =
  | { readonly kind: 'vector'; readonly series: StepSeries[] }
  | { readonly kind: 'scalar'; readonly values: Float64Array }
  | { readonly kind: 'string'; readonly value: string }
  /** A range vector at one evaluation time (only the result of an instant query). */
  | { readonly kind: 'matrix'; readonly series: RawSeries[] };

export const NAME = '__name__';

/** A stable key of a label set (sorted names); equal label sets have equal keys. */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const n of names) key += `${n}\xff${labels[n]}\xfe`;
  return key;
}

/** The key of the given labels only (`on`/`by`), or of all labels but those (`ignoring`/`without`). */
export function signature(labels: Labels, names: readonly string[], include: boolean): string {
  let key = '';
  if (include) {
    for (const n of [...names].sort()) {
      const v = labels[n];
      if (v !== undefined && v !== '') key += `${n}\xff${v}\xfe`;
    }
    return key;
  }
  for (const n of Object.keys(labels).sort()) {
    if (n !== NAME && !names.includes(n)) key += `${n}\xff${labels[n]}\xfe`;
  }
  return key;
}

export function withoutName(labels: Labels): Labels {
  if (!(NAME in labels)) return labels;
  const { [NAME]: _, ...rest } = labels;
  return rest;
}

export function newStepSeries(labels: Labels, steps: number, dropName = false): StepSeries {
  return { labels, dropName, values: new Float64Array(steps), present: new Uint8Array(steps) };
}

/** Formats a float as Go's strconv.FormatFloat(f, 'f', -1, 64) does (count_values, label values). */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(f);
  if (!s.includes('e')) return s;
  const [mant, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt = (mant.replace('-', '').indexOf('.') + 1 || mant.replace('-', '').length + 1) - 1 + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return neg ? `-${out}` : out;
}

/**
 * Merges series that got equal label sets (after relabeling or dropping names); two of them with a
 * value at the same step is Prometheus's "vector cannot contain metrics with the same labelset".
 */
export function mergeSameLabels(
  series: StepSeries[],
  keyOf: (s: StepSeries) => string = (s) => labelsKey(s.labels),
): StepSeries[] {
  const byKey = new Map<string, number>();
  const copied = new Set<number>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = keyOf(s);
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push(s);
      continue;
    }
    if (!copied.has(at)) {
      const p = out[at]!;
      out[at] = { ...p, values: p.values.slice(), present: p.present.slice() };
      copied.add(at);
    }
    const prev = out[at]!;
    for (let i = 0; i < s.present.length; i++) {
      if (!s.present[i]) continue;
      if (prev.present[i])
        throw new PromQLExecutionError('vector cannot contain metrics with the same labelset');
      prev.values[i] = s.values[i]!;
      prev.present[i] = 1;
    }
  }
  return out;
}
