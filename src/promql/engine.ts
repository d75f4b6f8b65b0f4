/** The PromQL engine's public entry points: instant and range queries over a SampleSource. */
import { Annotations } from './annotations.js';
import type { Expr } from './ast.js';
import { type EvalContext, Evaluator } from './evaluator.js';
import { PromQLError, QueryAbortedError } from './PromQLError.js';
import { parsePromQL } from './parser.js';
import type { Labels, SampleSource } from './SampleSource.js';
import { loadSelectors, planSelectors } from './selectorPlan.js';
import { compareLabels } from './sortFunctions.js';
import { typeOf } from './typeCheck.js';
import { labelsKey, mergeSameLabels, type StepSeries, type Value, withoutName } from './values.js';

/** Options of one query. */
export interface QueryOptions {
  /** How far back an instant selector looks for the latest sample. Default 300000 (5 minutes). */
  readonly lookbackDeltaMs?: number;
  /** Most samples loaded or held at once before a `QueryLimitError`. Default 50,000,000. */
  readonly maxSamples?: number;
  /** Aborts the query: a `TimeoutError` reason gives kind `timeout`, anything else `canceled`. */
  readonly signal?: AbortSignal;
  /** Step of subqueries written without one (`x[5m:]`). Default 60000 (1 minute). */
  readonly subqueryStepMs?: number;
  /**
   * Fails the query with kind `timeout` once it has run this long. Checked between evaluation steps,
   * so it also stops a long synchronous evaluation, where an AbortSignal's timer cannot fire. Default:
   * none.
   */
  readonly timeoutMs?: number;
}

/** Warnings and infos, each ending in the `(line:column)` of the expression it is about. */
export interface QueryAnnotations {
  warnings?: string[];
  infos?: string[];
}

export type QueryResult = (
  | { resultType: 'vector'; result: { metric: Labels; value: [number, number] }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: [number, number][] }[] }
  | { resultType: 'scalar'; result: [number, number] }
  | { resultType: 'string'; result: [number, string] }
) &
  QueryAnnotations;

/** Most points per series of a range query, as Prometheus. */
const MAX_POINTS = 11_000;

function checkAbort(signal: AbortSignal | undefined, deadline: number): void {
  if (performance.now() > deadline) throw new QueryAbortedError('timeout');
  if (!signal?.aborted) return;
  const reason = signal.reason as { name?: string } | undefined;
  throw new QueryAbortedError(reason?.name === 'TimeoutError' ? 'timeout' : 'canceled', {
    cause: signal.reason,
  });
}

async function run(
  source: SampleSource,
  expr: Expr,
  times: Float64Array,
  options: QueryOptions,
  annotations: Annotations,
  isRange: boolean,
): Promise<Value> {
  const startMs = times[0]!;
  const endMs = times[times.length - 1]!;
  const lookbackMs = options.lookbackDeltaMs ?? 300_000;
  const maxSamples = options.maxSamples ?? 50_000_000;
  const subqueryStepMs = options.subqueryStepMs ?? 60_000;
  for (const [name, v] of [
    ['lookbackDeltaMs', lookbackMs],
    ['maxSamples', maxSamples],
    ['subqueryStepMs', subqueryStepMs],
  ] as const) {
    if (!(v > 0) || !Number.isFinite(v))
      throw new PromQLError('bad_data', `${name} must be a positive number, got ${v}`);
  }
  const signal = options.signal;
  const deadline = performance.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  checkAbort(signal, deadline);
  const plan = planSelectors(expr, { queryStartMs: startMs, queryEndMs: endMs, lookbackMs });
  const data = await loadSelectors(source, plan, maxSamples);
  checkAbort(signal, deadline);
  const ctx: EvalContext = {
    startMs,
    endMs,
    lookbackMs,
    subqueryStepMs,
    maxSamples,
    data,
    checkAbort: () => checkAbort(signal, deadline),
    annotate: annotations.add,
    isRange,
  };
  return new Evaluator(ctx).eval(expr, times);
}

/** Removes `__name__` where an operation dropped it; equal label sets must not share a step. */
function finalSeries(series: StepSeries[]): StepSeries[] {
  const named = series.map((s) =>
    s.dropName ? { ...s, labels: withoutName(s.labels), dropName: false } : s,
  );
  return mergeSameLabels(named, (s) => labelsKey(s.labels));
}

/**
 * Evaluates `query` at `timeMs`. Throws `PromQLError` (kind `bad_data` for a query that does not
 * parse, `execution` when evaluation fails or exceeds `maxSamples`, `timeout`/`canceled` on abort).
 */
export async function instantQuery(
  source: SampleSource,
  query: string,
  timeMs: number,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const expr = parsePromQL(query);
  const annotations = new Annotations();
  const v = await run(source, expr, Float64Array.of(timeMs), options, annotations, false);
  return withAnnotations(instantResult(v, timeMs), annotations, query);
}

function withAnnotations(result: QueryResult, annotations: Annotations, query: string): QueryResult {
  const { warnings, infos } = annotations.render(query);
  if (warnings.length > 0) result.warnings = warnings;
  if (infos.length > 0) result.infos = infos;
  return result;
}

function instantResult(v: Value, timeMs: number): QueryResult {
  switch (v.kind) {
    case 'scalar':
      return { resultType: 'scalar', result: [timeMs, v.values[0]!] };
    case 'string':
      return { resultType: 'string', result: [timeMs, v.value] };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series
          .filter((s) => s.timestamps.length > 0)
          .map((s) => ({
            metric: s.labels,
            values: Array.from(s.timestamps, (t, i): [number, number] => [t, s.values[i]!]),
          })),
      };
    case 'vector':
      return {
        resultType: 'vector',
        result: finalSeries(v.series).map((s) => ({ metric: s.labels, value: [timeMs, s.values[0]!] })),
      };
  }
}

/** Evaluates `query` at every step from `startMs` to `endMs` (inclusive); returns a matrix. */
export async function rangeQuery(
  source: SampleSource,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  options: QueryOptions = {},
): Promise<QueryResult> {
  if (!(stepMs > 0))
    throw new PromQLError('bad_data', 'zero or negative query resolution step widths are not accepted');
  if (endMs < startMs) throw new PromQLError('bad_data', 'end timestamp must not be before start time');
  const n = Math.floor((endMs - startMs) / stepMs) + 1;
  if (n > MAX_POINTS) {
    throw new PromQLError('bad_data', `exceeded maximum resolution of ${MAX_POINTS} points per timeseries`);
  }
  const expr = parsePromQL(query);
  const type = typeOf(expr);
  if (type !== 'vector' && type !== 'scalar') {
    const name = type === 'matrix' ? 'range vector' : 'string';
    throw new PromQLError(
      'bad_data',
      `invalid expression type "${name}" for range query, must be Scalar or instant Vector`,
    );
  }
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = startMs + i * stepMs;
  const annotations = new Annotations();
  const v = await run(source, expr, times, options, annotations, true);
  const series: StepSeries[] =
    v.kind === 'scalar'
      ? [{ labels: {}, dropName: false, values: v.values, present: new Uint8Array(n).fill(1) }]
      : v.kind === 'vector'
        ? finalSeries(v.series)
        : [];
  const result = series
    .map((s) => {
      const values: [number, number][] = [];
      for (let i = 0; i < n; i++) if (s.present[i]) values.push([times[i]!, s.values[i]!]);
      return { metric: s.labels, values };
    })
    .filter((s) => s.values.length > 0)
    .sort((a, b) => compareLabels(a.metric, b.metric));
  return withAnnotations({ resultType: 'matrix', result }, annotations, query);
}

export { parsePromQL };
