/**
 * The only place where evals of Prometheus's PromQL test scripts are left out, each with its reason.
 * An entry matches by file (or every file with '*'), optionally narrowed to lines or a query pattern.
 */
import type { Expr } from '../../src/promql/ast.js';
import { matches } from '../../src/promql/labelMatch.js';
import { parsePromQL } from '../../src/promql/parser.js';
import { planSelectors } from '../../src/promql/selectorPlan.js';
import type { EvalCommand } from './promqlScript.js';

export interface Exclusion {
  /** Script file name, or '*' for every file. */
  readonly file: string;
  readonly lines?: readonly number[];
  readonly query?: RegExp;
  /** Matches evals whose data or expected result uses more than float samples. */
  readonly nonFloat?: boolean;
  readonly reason: string;
}

export const PROMQL_EXCLUSIONS: readonly Exclusion[] = [
  {
    file: '*',
    nonFloat: true,
    reason: 'native histogram samples ({{...}}) or start times (@st): pgtel stores float samples only',
  },
  { file: 'native_histograms.test', reason: 'native histograms: pgtel stores float samples only' },
  {
    file: 'extended_vectors.test',
    reason: 'anchored/smoothed range selectors are experimental (promql-extended-range-selectors flag)',
  },
  {
    file: 'duration_expression.test',
    query: /\b(step|range)\(\)/i,
    reason: 'step() and range() in durations are experimental (promql-duration-expr flag)',
  },
  {
    file: 'functions.test',
    query: /\b(step|range|start|end|min_of|max_of)\(/,
    reason: 'step(), range(), start(), end(), min_of(), max_of() belong to experimental duration expressions',
  },
  {
    file: '*',
    query: /\bhistogram_quantiles\(/,
    reason: 'histogram_quantiles() is experimental (promql-experimental-functions flag)',
  },
  { file: 'fill-modifier.test', reason: 'fill()/fill_left()/fill_right() binary modifiers are experimental' },
  {
    file: '*',
    query: /\blimit_ratio\(/,
    reason: 'limit_ratio is experimental (promql-experimental-functions flag)',
  },
  { file: 'info.test', reason: 'info() is experimental and reads metadata series pgtel does not keep' },
  { file: 'type_and_unit.test', reason: 'type and unit labels are experimental (type-and-unit-labels flag)' },
  { file: 'start_timestamps.test', reason: 'start timestamps (created timestamps) are not stored by pgtel' },
];

/** True when the expected result or a selector of the query reaches a non-float series. */
function usesNonFloat(e: EvalCommand): boolean {
  if (e.series.some((s) => s.nonFloat)) return true;
  const nonFloat = e.loads.flatMap((l) => l.series.filter((s) => s.nonFloat));
  if (nonFloat.length === 0) return false;
  let expr: Expr;
  try {
    expr = parsePromQL(e.query);
  } catch {
    return false;
  }
  const selectors = planSelectors(expr, { queryStartMs: 0, queryEndMs: 0, lookbackMs: 0 });
  return selectors.some(({ selector }) =>
    nonFloat.some((s) => selector.matchers.every((m) => matches(m, s.labels))),
  );
}

/** The exclusion that leaves this eval out, if any. */
export function exclusionFor(file: string, e: EvalCommand): Exclusion | undefined {
  return PROMQL_EXCLUSIONS.find(
    (x) =>
      (x.file === '*' || x.file === file) &&
      (x.lines === undefined || x.lines.includes(e.line)) &&
      (x.query === undefined || x.query.test(e.query)) &&
      (x.nonFloat === undefined || x.nonFloat === usesNonFloat(e)),
  );
}
