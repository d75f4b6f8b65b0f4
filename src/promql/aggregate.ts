/** Aggregation operators over all steps: the grouping of each series is computed once. */
import type { AggregateExpr } from './ast.js';
import { compareNaNFirst, kahanSumInc, quantile } from './mathUtil.js';
import { PromQLExecutionError } from './PromQLError.js';
import type { Labels } from './SampleSource.js';
import { formatFloat, labelsKey, NAME, newStepSeries, type StepSeries, type Value } from './values.js';

interface Groups {
  /** Group index of each input series. */
  readonly of: Int32Array;
  readonly labels: Labels[];
  readonly dropName: boolean[];
}

function groupLabels(labels: Labels, grouping: readonly string[], without: boolean): Labels {
  const out: Record<string, string> = {};
  if (without) {
    for (const [k, v] of Object.entries(labels)) if (k !== NAME && !grouping.includes(k)) out[k] = v;
  } else {
    for (const k of grouping) {
      const v = labels[k];
      if (v !== undefined && v !== '') out[k] = v;
    }
  }
  return out;
}

function groupSeries(e: AggregateExpr, series: readonly StepSeries[]): Groups {
  const of = new Int32Array(series.length);
  const labels: Labels[] = [];
  const dropName: boolean[] = [];
  const index = new Map<string, number>();
  series.forEach((s, i) => {
    const l = groupLabels(s.labels, e.grouping, e.without);
    const key = labelsKey(l);
    let g = index.get(key);
    if (g === undefined) {
      g = labels.length;
      index.set(key, g);
      labels.push(l);
      dropName.push(false);
    }
    if (NAME in l && s.dropName) dropName[g] = true;
    of[i] = g;
  });
  return { of, labels, dropName };
}

function paramAt(param: Value | undefined, i: number): number {
  return param?.kind === 'scalar' ? param.values[i]! : Number.NaN;
}

/** sum, avg, min, max, count, group, stddev, stdvar: running state per group and step. */
function simple(e: AggregateExpr, series: readonly StepSeries[], g: Groups, steps: number): StepSeries[] {
  const out = g.labels.map((l, i) => newStepSeries(l, steps, g.dropName[i]));
  const n = out.map(() => new Float64Array(steps));
  const c = out.map(() => new Float64Array(steps));
  const mean = out.map(() => new Float64Array(steps));
  const incremental = out.map(() => new Uint8Array(steps));
  series.forEach((s, si) => {
    const gi = g.of[si]!;
    const o = out[gi]!;
    const f = o.values;
    const cnt = n[gi]!;
    const comp = c[gi]!;
    const m = mean[gi]!;
    for (let i = 0; i < steps; i++) {
      if (!s.present[i]) continue;
      const v = s.values[i]!;
      const first = !o.present[i];
      o.present[i] = 1;
      cnt[i]!++;
      switch (e.op) {
        case 'sum': {
          if (first) {
            f[i] = v;
            break;
          }
          // kahanSumInc inlined: this is the hottest loop of sum().
          const sum = f[i]!;
          const t = sum + v;
          if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) comp[i] = 0;
          else if (Math.abs(sum) >= Math.abs(v)) comp[i] = comp[i]! + (sum - t + v);
          else comp[i] = comp[i]! + (v - t + sum);
          f[i] = t;
          break;
        }
        case 'avg': {
          if (first) {
            f[i] = v;
            break;
          }
          const count = cnt[i]!;
          if (!incremental[gi]![i]) {
            const [ns, nc] = kahanSumInc(v, f[i]!, comp[i]!);
            if (Number.isNaN(ns) || Number.isFinite(ns)) {
              f[i] = ns;
              comp[i] = nc;
              break;
            }
            incremental[gi]![i] = 1;
            m[i] = f[i]! / (count - 1);
            comp[i] = comp[i]! / (count - 1);
          }
          const q = (count - 1) / count;
          [m[i], comp[i]] = kahanSumInc(v / count, q * m[i]!, q * comp[i]!);
          break;
        }
        case 'min':
          if (first || f[i]! > v || Number.isNaN(f[i]!)) f[i] = v;
          break;
        case 'max':
          if (first || f[i]! < v || Number.isNaN(f[i]!)) f[i] = v;
          break;
        case 'stddev':
        case 'stdvar': {
          if (first) {
            m[i] = v;
            // A NaN or infinite first value makes the whole result NaN.
            f[i] = Number.isFinite(v) ? 0 : Number.NaN;
            break;
          }
          const delta = v - m[i]!;
          m[i] = m[i]! + delta / cnt[i]!;
          f[i] = f[i]! + delta * (v - m[i]!);
          break;
        }
        default:
          break;
      }
    }
  });
  out.forEach((o, gi) => {
    for (let i = 0; i < steps; i++) {
      if (!o.present[i]) continue;
      const f = o.values[i]!;
      const cnt = n[gi]![i]!;
      switch (e.op) {
        case 'sum':
          o.values[i] = Number.isFinite(f) ? f + c[gi]![i]! : f;
          break;
        case 'avg':
          o.values[i] = incremental[gi]![i] ? mean[gi]![i]! + c[gi]![i]! : (f + c[gi]![i]!) / cnt;
          break;
        case 'count':
          o.values[i] = cnt;
          break;
        case 'group':
          o.values[i] = 1;
          break;
        case 'stdvar':
          o.values[i] = f / cnt;
          break;
        case 'stddev':
          o.values[i] = Math.sqrt(f / cnt);
          break;
        default:
          break;
      }
    }
  });
  return out.filter((o) => o.present.includes(1));
}

/** topk, bottomk and limitk (the first k in series order): selected series keep their labels. */
function selectK(
  e: AggregateExpr,
  series: readonly StepSeries[],
  g: Groups,
  param: Value | undefined,
  steps: number,
) {
  const out = series.map((s) => newStepSeries(s.labels, steps, s.dropName));
  const top = e.op === 'topk';
  const limit = e.op === 'limitk';
  const order: number[] = [];
  const members: number[][] = g.labels.map(() => []);
  for (let si = 0; si < series.length; si++) members[g.of[si]!]!.push(si);
  for (let i = 0; i < steps; i++) {
    const kf = paramAt(param, i);
    if (Number.isNaN(kf)) throw new PromQLExecutionError('Parameter value is NaN');
    const k = Math.min(Math.trunc(kf), series.length);
    if (k < 1) continue;
    for (const group of members) {
      const present = group.filter((si) => series[si]!.present[i]);
      if (!limit)
        present.sort((a, b) => {
          const x = series[a]!.values[i]!;
          const y = series[b]!.values[i]!;
          // NaN is never preferred over a number.
          if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
          return top ? y - x : x - y;
        });
      for (const si of present.slice(0, k)) {
        out[si]!.values[i] = series[si]!.values[i]!;
        out[si]!.present[i] = 1;
        if (i === 0) order.push(si);
      }
    }
  }
  const picked = steps === 1 ? order.map((si) => out[si]!) : out;
  return picked.filter((o) => o.present.includes(1));
}

function quantileAgg(series: readonly StepSeries[], g: Groups, param: Value | undefined, steps: number) {
  const out = g.labels.map((l, i) => newStepSeries(l, steps, g.dropName[i]));
  for (let i = 0; i < steps; i++) {
    const values: number[][] = g.labels.map(() => []);
    series.forEach((s, si) => {
      if (s.present[i]) values[g.of[si]!]!.push(s.values[i]!);
    });
    values.forEach((vs, gi) => {
      if (vs.length === 0) return;
      out[gi]!.values[i] = quantile(paramAt(param, i), vs.sort(compareNaNFirst));
      out[gi]!.present[i] = 1;
    });
  }
  return out.filter((o) => o.present.includes(1));
}

function countValues(series: readonly StepSeries[], g: Groups, param: Value | undefined, steps: number) {
  const label = param?.kind === 'string' ? param.value : '';
  if (label === '') throw new PromQLExecutionError(`invalid label name "${label}"`);
  const byKey = new Map<string, StepSeries>();
  series.forEach((s, si) => {
    const gl = g.labels[g.of[si]!]!;
    for (let i = 0; i < steps; i++) {
      if (!s.present[i]) continue;
      const value = formatFloat(s.values[i]!);
      const key = `${labelsKey(gl)}\x00${value}`;
      let o = byKey.get(key);
      if (!o) {
        o = newStepSeries({ ...gl, [label]: value }, steps);
        byKey.set(key, o);
      }
      o.values[i] = (o.present[i] ? o.values[i]! : 0) + 1;
      o.present[i] = 1;
    }
  });
  return [...byKey.values()];
}

/** Evaluates an aggregation of `inner` (an instant vector) for all steps. */
export function aggregate(
  e: AggregateExpr,
  inner: Value,
  param: Value | undefined,
  steps: number,
): StepSeries[] {
  if (inner.kind !== 'vector') throw new PromQLExecutionError('aggregation over a non-vector');
  const series = inner.series;
  const g = groupSeries(e, series);
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
      return selectK(e, series, g, param, steps);
    case 'quantile':
      return quantileAgg(series, g, param, steps);
    case 'count_values':
      return countValues(series, g, param, steps);
    case 'limit_ratio':
      for (let i = 0; i < steps; i++) {
        if (Number.isNaN(paramAt(param, i))) throw new PromQLExecutionError('Ratio value is NaN');
      }
      throw new PromQLExecutionError('aggregation "limit_ratio" is not supported');
    default:
      return simple(e, series, g, steps);
  }
}
