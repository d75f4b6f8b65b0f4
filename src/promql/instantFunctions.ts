/** Functions over instant vectors and scalars, evaluated for all steps at once. */
import { type Annotate, checkQuantile } from './annotations.js';
import type { Call } from './ast.js';
import { histogramFraction, histogramQuantile } from './histogramQuantile.js';
import { absentLabels, labelJoin, labelReplace } from './labelFunctions.js';
import { PromQLExecutionError } from './PromQLError.js';
import { sortByLabel, sortByValue } from './sortFunctions.js';
import { newStepSeries, type StepSeries, type Value } from './values.js';

type MathFn = (x: number) => number;

const MATH: Record<string, MathFn> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (x) => (x < 0 ? -1 : x > 0 ? 1 : x),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
};

const DATE: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86_400_000) + 1;
  },
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

/** Same labels, each present value mapped; `keep` false drops the sample at that step. */
function mapVector(
  series: readonly StepSeries[],
  fn: (x: number, step: number) => number | undefined,
  dropName = true,
): Value {
  const out: StepSeries[] = [];
  for (const s of series) {
    const r = newStepSeries(s.labels, s.values.length, s.dropName || dropName);
    let any = false;
    for (let i = 0; i < s.values.length; i++) {
      if (!s.present[i]) continue;
      const v = fn(s.values[i]!, i);
      if (v === undefined) continue;
      r.values[i] = v;
      r.present[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { kind: 'vector', series: out };
}

function vectorArg(v: Value | undefined): StepSeries[] {
  if (v?.kind !== 'vector') throw new PromQLExecutionError('expected an instant vector argument');
  return v.series;
}

function scalarArg(v: Value | undefined, steps: number, fallback?: number): Float64Array {
  if (v === undefined && fallback !== undefined) return new Float64Array(steps).fill(fallback);
  if (v?.kind !== 'scalar') throw new PromQLExecutionError('expected a scalar argument');
  return v.values;
}

function stringArg(v: Value | undefined): string {
  if (v?.kind !== 'string') throw new PromQLExecutionError('expected a string argument');
  return v.value;
}

/** Evaluates a call whose arguments are instant vectors, scalars or strings. */
export function callInstantFunction(e: Call, args: Value[], times: Float64Array, annotate: Annotate): Value {
  const steps = times.length;
  const math = MATH[e.func];
  if (math) return mapVector(vectorArg(args[0]), math);
  const date = DATE[e.func];
  if (date) {
    if (args.length === 0) {
      const values = times.map((t) => date(new Date(Math.floor(t / 1000) * 1000)));
      const s: StepSeries = { labels: {}, dropName: false, values, present: new Uint8Array(steps).fill(1) };
      return { kind: 'vector', series: [s] };
    }
    return mapVector(vectorArg(args[0]), (x) =>
      Number.isFinite(x) ? date(new Date(Math.floor(x) * 1000)) : x,
    );
  }
  switch (e.func) {
    case 'time':
      return { kind: 'scalar', values: times.map((t) => t / 1000) };
    case 'pi':
      return { kind: 'scalar', values: new Float64Array(steps).fill(Math.PI) };
    case 'vector': {
      const values = scalarArg(args[0], steps);
      return {
        kind: 'vector',
        series: [{ labels: {}, dropName: false, values, present: new Uint8Array(steps).fill(1) }],
      };
    }
    case 'scalar': {
      const series = vectorArg(args[0]);
      const values = new Float64Array(steps);
      for (let i = 0; i < steps; i++) {
        let found: number | undefined;
        let count = 0;
        for (const s of series) {
          if (!s.present[i]) continue;
          count++;
          found = s.values[i];
        }
        values[i] = count === 1 ? found! : Number.NaN;
      }
      return { kind: 'scalar', values };
    }
    case 'timestamp':
      return mapVector(vectorArg(args[0]), (_x, i) => times[i]! / 1000);
    case 'absent': {
      const series = vectorArg(args[0]);
      const arg = e.args[0]!;
      const labels = arg.type === 'vectorSelector' ? absentLabels(arg) : {};
      const r = newStepSeries(labels, steps);
      for (let i = 0; i < steps; i++) {
        if (series.some((s) => s.present[i])) continue;
        r.values[i] = 1;
        r.present[i] = 1;
      }
      return { kind: 'vector', series: r.present.includes(1) ? [r] : [] };
    }
    case 'clamp': {
      const min = scalarArg(args[1], steps);
      const max = scalarArg(args[2], steps);
      return mapVector(vectorArg(args[0]), (x, i) =>
        max[i]! < min[i]! ? undefined : Math.max(min[i]!, Math.min(max[i]!, x)),
      );
    }
    case 'clamp_min': {
      const min = scalarArg(args[1], steps);
      return mapVector(vectorArg(args[0]), (x, i) => Math.max(min[i]!, x));
    }
    case 'clamp_max': {
      const max = scalarArg(args[1], steps);
      return mapVector(vectorArg(args[0]), (x, i) => Math.min(max[i]!, x));
    }
    case 'round': {
      const to = scalarArg(args[1], steps, 1);
      return mapVector(vectorArg(args[0]), (x, i) => {
        const inv = 1 / to[i]!;
        return Math.floor(x * inv + 0.5) / inv;
      });
    }
    case 'sort':
    case 'sort_desc':
      return { kind: 'vector', series: sortByValue(vectorArg(args[0]), e.func === 'sort_desc') };
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return {
        kind: 'vector',
        series: sortByLabel(
          vectorArg(args[0]),
          args.slice(1).map(stringArg),
          e.func === 'sort_by_label_desc',
        ),
      };
    case 'label_replace':
      return labelReplace(
        vectorArg(args[0]),
        ...(args.slice(1, 5).map(stringArg) as [string, string, string, string]),
      );
    case 'label_join':
      return labelJoin(
        vectorArg(args[0]),
        stringArg(args[1]),
        stringArg(args[2]),
        args.slice(3).map(stringArg),
      );
    case 'histogram_quantile': {
      const q = scalarArg(args[0], steps);
      checkQuantile(q, e.args[0]!.pos, annotate);
      return histogramQuantile(q, vectorArg(args[1]), (kind, message) =>
        annotate(kind, message, e.args[1]!.pos),
      );
    }
    case 'histogram_fraction': {
      const lower = scalarArg(args[0], steps);
      const upper = scalarArg(args[1], steps);
      return histogramFraction(lower, upper, vectorArg(args[2]), (kind, message) =>
        annotate(kind, message, e.args[2]!.pos),
      );
    }
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // These read native histograms only; float samples yield nothing.
      return { kind: 'vector', series: [] };
    default:
      throw new PromQLExecutionError(`function "${e.func}" is not supported`);
  }
}
