/**
 * Evaluates an AST over all steps of a query at once, in memory, from the series loaded beforehand
 * (see `selectorPlan.ts`). Each node yields a value with one slot per step.
 */
import { aggregate } from './aggregate.js';
import { type Annotate, checkQuantile } from './annotations.js';
import type { AtModifier, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';
import { binary } from './binary.js';
import { callInstantFunction } from './instantFunctions.js';
import { absentLabels } from './labelFunctions.js';
import { PromQLExecutionError, QueryLimitError } from './PromQLError.js';
import { KEEPS_NAME, RANGE_FUNCTIONS, type Window } from './rangeFunctions.js';
import { cleanSamples, type SelectedSeries, upperBound } from './selectedSeries.js';
import { newStepSeries, type RawSeries, type StepSeries, type Value } from './values.js';

export interface EvalContext {
  readonly startMs: number;
  readonly endMs: number;
  readonly lookbackMs: number;
  readonly subqueryStepMs: number;
  readonly maxSamples: number;
  readonly data: ReadonlyMap<VectorSelector, readonly SelectedSeries[]>;
  readonly checkAbort: () => void;
  readonly annotate: Annotate;
  /** Whether this is a range query (sorting functions warn there). */
  readonly isRange: boolean;
}

/** The window end of a selector or subquery at step time `t`. */
export function effectiveTime(
  ctx: EvalContext,
  at: AtModifier | undefined,
  offsetMs: number,
  t: number,
): number {
  if (!at) return t - offsetMs;
  const base = at.kind === 'time' ? at.ms : at.kind === 'start' ? ctx.startMs : ctx.endMs;
  return base - offsetMs;
}

function unwrapParens(e: Expr): Expr {
  return e.type === 'paren' ? unwrapParens(e.expr) : e;
}

/** Range-vector input of a function: series plus where each step's window ends. */
interface RangeInput {
  readonly series: RawSeries[];
  readonly rangeMs: number;
  readonly ends: Float64Array;
}

export class Evaluator {
  private inMemory = 0;

  constructor(private readonly ctx: EvalContext) {}

  eval(e: Expr, times: Float64Array): Value {
    this.ctx.checkAbort();
    switch (e.type) {
      case 'number':
        return { kind: 'scalar', values: new Float64Array(times.length).fill(e.value) };
      case 'string':
        return { kind: 'string', value: e.value };
      case 'paren':
        return this.eval(e.expr, times);
      case 'unary': {
        const v = this.eval(e.expr, times);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
        if (v.kind !== 'vector') throw new PromQLExecutionError('unary minus on a non-numeric value');
        return {
          kind: 'vector',
          series: v.series.map((s) => ({ ...s, dropName: true, values: s.values.map((x) => -x) })),
        };
      }
      case 'vectorSelector':
        return { kind: 'vector', series: this.track(this.vectorSelector(e, times, false)) };
      case 'matrixSelector':
      case 'subquery': {
        const input = this.rangeInput(e, times);
        return { kind: 'matrix', series: input.series.map((s) => windowOf(s, input, 0)) };
      }
      case 'call':
        return this.call(e, times);
      case 'aggregate': {
        const param = e.param ? this.eval(e.param, times) : undefined;
        if (e.op === 'quantile' && param?.kind === 'scalar')
          checkQuantile(param.values, e.param!.pos, this.ctx.annotate);
        const inner = this.eval(e.expr, times);
        return { kind: 'vector', series: this.track(aggregate(e, inner, param, times.length)) };
      }
      case 'binary':
        return binary(e, this.eval(e.lhs, times), this.eval(e.rhs, times), times.length);
    }
  }

  /** Counts the samples an intermediate result holds against `maxSamples`. */
  private track(series: StepSeries[]): StepSeries[] {
    let n = 0;
    for (const s of series) for (let i = 0; i < s.present.length; i++) n += s.present[i]!;
    this.inMemory += n;
    if (this.inMemory > this.ctx.maxSamples) throw new QueryLimitError(this.ctx.maxSamples);
    return series;
  }

  /** Instant-vector selection with lookback and staleness; `asTimestamps` yields sample times. */
  vectorSelector(e: VectorSelector, times: Float64Array, asTimestamps: boolean): StepSeries[] {
    const out: StepSeries[] = [];
    const lookback = this.ctx.lookbackMs;
    for (const s of this.ctx.data.get(e) ?? []) {
      const series = newStepSeries(s.labels, times.length);
      let any = false;
      for (let i = 0; i < times.length; i++) {
        const te = effectiveTime(this.ctx, e.at, e.offsetMs, times[i]!);
        const idx = upperBound(s.ts, te) - 1;
        if (idx < 0 || s.ts[idx]! <= te - lookback || s.stale?.[idx]) continue;
        series.values[i] = asTimestamps ? s.ts[idx]! / 1000 : s.vals[idx]!;
        series.present[i] = 1;
        any = true;
      }
      if (any) out.push(series);
    }
    return out;
  }

  private rangeInput(e: MatrixSelector | SubqueryExpr, times: Float64Array): RangeInput {
    const at = e.type === 'subquery' ? e.at : e.selector.at;
    const offsetMs = e.type === 'subquery' ? e.offsetMs : e.selector.offsetMs;
    const ends = times.map((t) => effectiveTime(this.ctx, at, offsetMs, t));
    if (e.type === 'matrixSelector') {
      const series = (this.ctx.data.get(e.selector) ?? []).map((s) => {
        const c = cleanSamples(s);
        return { labels: s.labels, dropName: false, timestamps: c.ts, values: c.vals };
      });
      return { series, rangeMs: e.rangeMs, ends };
    }
    return { series: this.subquery(e, ends), rangeMs: e.rangeMs, ends };
  }

  private subquery(e: SubqueryExpr, ends: Float64Array): RawSeries[] {
    const step = e.stepMs ?? this.ctx.subqueryStepMs;
    let minEnd = Number.POSITIVE_INFINITY;
    let maxEnd = Number.NEGATIVE_INFINITY;
    for (const t of ends) {
      minEnd = Math.min(minEnd, t);
      maxEnd = Math.max(maxEnd, t);
    }
    const first = minEnd - e.rangeMs;
    let start = step * Math.trunc(first / step);
    if (start <= first) start += step;
    const n = Math.max(0, Math.floor((maxEnd - start) / step) + 1);
    const inner = new Float64Array(n);
    for (let i = 0; i < n; i++) inner[i] = start + i * step;
    const v = this.eval(e.expr, inner);
    const stepSeries =
      v.kind === 'scalar'
        ? [{ labels: {}, dropName: false, values: v.values, present: new Uint8Array(n).fill(1) }]
        : v.kind === 'vector'
          ? v.series
          : [];
    return stepSeries.map((s) => {
      const ts: number[] = [];
      const vals: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!s.present[i]) continue;
        ts.push(inner[i]!);
        vals.push(s.values[i]!);
      }
      return {
        labels: s.labels,
        dropName: s.dropName,
        timestamps: Float64Array.from(ts),
        values: Float64Array.from(vals),
      };
    });
  }

  private call(e: Call, times: Float64Array): Value {
    const rangeFn = RANGE_FUNCTIONS.get(e.func);
    const matrixArg = e.args.findIndex((a) => {
      const u = unwrapParens(a);
      return u.type === 'matrixSelector' || u.type === 'subquery';
    });
    if (matrixArg >= 0) {
      const arg = unwrapParens(e.args[matrixArg]!) as MatrixSelector | SubqueryExpr;
      const input = this.rangeInput(arg, times);
      const params = e.args.filter((_, i) => i !== matrixArg).map((a) => this.scalarArg(a, times));
      if (e.func === 'quantile_over_time') checkQuantile(params[0]!, e.args[0]!.pos, this.ctx.annotate);
      if ((e.func === 'rate' || e.func === 'increase') && arg.type === 'matrixSelector')
        this.counterInfo(input, arg.pos);
      if (e.func === 'absent_over_time') return absentOverTime(arg, input, times.length);
      if (!rangeFn) throw new PromQLExecutionError(`function "${e.func}" is not supported`);
      return { kind: 'vector', series: this.track(applyRange(e.func, rangeFn, input, params, times)) };
    }
    if (e.func === 'timestamp') {
      const arg = unwrapParens(e.args[0]!);
      if (arg.type === 'vectorSelector') {
        const series = this.vectorSelector(arg, times, true);
        for (const s of series) s.dropName = true;
        return { kind: 'vector', series };
      }
    }
    const args = e.args.map((a) => this.eval(a, times));
    if (this.ctx.isRange && e.func.startsWith('sort')) {
      this.ctx.annotate(
        'warning',
        'sort is ineffective for range queries since results are always ordered by labels',
        e.pos,
      );
    }
    return callInstantFunction(e, args, times, this.ctx.annotate);
  }

  /** rate() and increase() of a series whose name does not look like a counter's. */
  private counterInfo(input: RangeInput, pos: number): void {
    for (const s of input.series) {
      const name = s.labels.__name__;
      if (!name || s.timestamps.length === 0 || /_(total|sum|count|bucket)$/.test(name)) continue;
      this.ctx.annotate(
        'info',
        `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "${name}"`,
        pos,
      );
    }
  }

  private scalarArg(e: Expr, times: Float64Array): Float64Array {
    const v = this.eval(e, times);
    if (v.kind !== 'scalar') throw new PromQLExecutionError('expected a scalar argument');
    return v.values;
  }
}

/** The samples of `s` inside the window of step `i`. */
function windowOf(s: RawSeries, input: RangeInput, i: number): RawSeries {
  const end = input.ends[i]!;
  const lo = upperBound(s.timestamps, end - input.rangeMs);
  const hi = upperBound(s.timestamps, end, lo);
  return { ...s, timestamps: s.timestamps.slice(lo, hi), values: s.values.slice(lo, hi) };
}

function applyRange(
  func: string,
  fn: (w: Window) => number | undefined,
  input: RangeInput,
  params: Float64Array[],
  times: Float64Array,
): StepSeries[] {
  const out: StepSeries[] = [];
  const dropName = !KEEPS_NAME.has(func);
  const stepParams = new Array<number>(params.length);
  // One window object reused for every step: this loop runs series x steps times.
  const w = {
    ts: EMPTY,
    vals: EMPTY,
    lo: 0,
    hi: 0,
    rangeMs: input.rangeMs,
    endMs: 0,
    stepMs: 0,
    params: stepParams,
  };
  // One allocation for the outputs of all series instead of two per series.
  const steps = times.length;
  const valueSlab = new Float64Array(input.series.length * steps);
  const presentSlab = new Uint8Array(input.series.length * steps);
  input.series.forEach((s, si) => {
    const series: StepSeries = {
      labels: s.labels,
      dropName: s.dropName || dropName,
      values: valueSlab.subarray(si * steps, (si + 1) * steps),
      present: presentSlab.subarray(si * steps, (si + 1) * steps),
    };
    const ts = s.timestamps;
    w.ts = ts;
    w.vals = s.values;
    let any = false;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < times.length; i++) {
      const endMs = input.ends[i]!;
      const startMs = endMs - input.rangeMs;
      // Window ends never decrease from step to step, so both bounds only move forward.
      if (i > 0 && endMs < input.ends[i - 1]!) {
        lo = 0;
        hi = 0;
      }
      while (lo < ts.length && ts[lo]! <= startMs) lo++;
      if (hi < lo) hi = lo;
      while (hi < ts.length && ts[hi]! <= endMs) hi++;
      if (hi === lo) continue;
      for (let p = 0; p < params.length; p++) stepParams[p] = params[p]![i]!;
      w.lo = lo;
      w.hi = hi;
      w.endMs = endMs;
      w.stepMs = times[i]!;
      const v = fn(w);
      if (v === undefined) continue;
      series.values[i] = v;
      series.present[i] = 1;
      any = true;
    }
    if (any) out.push(series);
  });
  return out;
}

const EMPTY: Float64Array = new Float64Array(0);

function absentOverTime(arg: MatrixSelector | SubqueryExpr, input: RangeInput, steps: number): Value {
  const series = newStepSeries(arg.type === 'matrixSelector' ? absentLabels(arg.selector) : {}, steps);
  for (let i = 0; i < steps; i++) {
    const end = input.ends[i]!;
    const present = input.series.some((s) => {
      const lo = upperBound(s.timestamps, end - input.rangeMs);
      return upperBound(s.timestamps, end, lo) > lo;
    });
    if (!present) {
      series.values[i] = 1;
      series.present[i] = 1;
    }
  }
  return { kind: 'vector', series: series.present.includes(1) ? [series] : [] };
}
