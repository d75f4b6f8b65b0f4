/** sort, sort_desc, sort_by_label and sort_by_label_desc: they order an instant query's result. */
import type { Labels } from './SampleSource.js';
import type { StepSeries } from './values.js';

/** Ascending (or descending) by the value at the first step; NaN last either way. */
export function sortByValue(series: readonly StepSeries[], desc: boolean): StepSeries[] {
  return [...series].sort((a, b) => {
    const x = a.values[0]!;
    const y = b.values[0]!;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return desc ? y - x : x - y;
  });
}

/** Natural order: runs of digits compare as numbers. */
function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

/** Compares label sets as Prometheus's labels.Compare: sorted names, then values. */
export function compareLabels(a: Labels, b: Labels): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    const va = a[ka[i]!]!;
    const vb = b[kb[i]!]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}

export function sortByLabel(
  series: readonly StepSeries[],
  names: readonly string[],
  desc: boolean,
): StepSeries[] {
  const sign = desc ? -1 : 1;
  return [...series].sort((a, b) => {
    for (const n of names) {
      const x = a.labels[n] ?? '';
      const y = b.labels[n] ?? '';
      if (x !== y) return sign * naturalCompare(x, y);
    }
    return sign * compareLabels(a.labels, b.labels);
  });
}
