/**
 * Finds every selector of a query with the time range its evaluation needs (offsets, @, ranges,
 * lookback, subquery windows) and loads them all concurrently before evaluation starts.
 */
import type { AtModifier, Expr, VectorSelector } from './ast.js';
import { QueryLimitError } from './PromQLError.js';
import type { SampleSource } from './SampleSource.js';
import { type SelectedSeries, toSelectedSeries } from './selectedSeries.js';

export interface PlanBounds {
  readonly queryStartMs: number;
  readonly queryEndMs: number;
  readonly lookbackMs: number;
}

export interface SelectorRange {
  readonly selector: VectorSelector;
  readonly startMs: number;
  readonly endMs: number;
}

function window(
  b: PlanBounds,
  at: AtModifier | undefined,
  offsetMs: number,
  start: number,
  end: number,
): [number, number] {
  if (!at) return [start - offsetMs, end - offsetMs];
  const t = at.kind === 'time' ? at.ms : at.kind === 'start' ? b.queryStartMs : b.queryEndMs;
  return [t - offsetMs, t - offsetMs];
}

/** Each selector with the inclusive range of sample times it may read. */
export function planSelectors(e: Expr, b: PlanBounds): SelectorRange[] {
  const out: SelectorRange[] = [];
  const walk = (n: Expr, start: number, end: number): void => {
    switch (n.type) {
      case 'vectorSelector': {
        const [s, t] = window(b, n.at, n.offsetMs, start, end);
        out.push({ selector: n, startMs: s - b.lookbackMs, endMs: t });
        return;
      }
      case 'matrixSelector': {
        const [s, t] = window(b, n.selector.at, n.selector.offsetMs, start, end);
        out.push({ selector: n.selector, startMs: s - n.rangeMs, endMs: t });
        return;
      }
      case 'subquery': {
        const [s, t] = window(b, n.at, n.offsetMs, start, end);
        walk(n.expr, s - n.rangeMs, t);
        return;
      }
      case 'paren':
      case 'unary':
        walk(n.expr, start, end);
        return;
      case 'aggregate':
        if (n.param) walk(n.param, start, end);
        walk(n.expr, start, end);
        return;
      case 'binary':
        walk(n.lhs, start, end);
        walk(n.rhs, start, end);
        return;
      case 'call':
        for (const a of n.args) walk(a, start, end);
        return;
      default:
        return;
    }
  };
  walk(e, b.queryStartMs, b.queryEndMs);
  return out;
}

/** Loads all planned selectors concurrently; the total of samples is bounded by `maxSamples`. */
export async function loadSelectors(
  source: SampleSource,
  plan: readonly SelectorRange[],
  maxSamples: number,
): Promise<Map<VectorSelector, SelectedSeries[]>> {
  const results = await Promise.all(
    plan.map((p) => source.select(p.selector.matchers, p.startMs, p.endMs, { maxSamples })),
  );
  const data = new Map<VectorSelector, SelectedSeries[]>();
  let total = 0;
  results.forEach((series, i) => {
    for (const s of series) total += s.timestamps.length;
    if (total > maxSamples) throw new QueryLimitError(maxSamples);
    data.set(plan[i]!.selector, series.map(toSelectedSeries));
  });
  return data;
}
