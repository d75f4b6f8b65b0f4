import type { QueryResult } from '../../promql/engine.js';
import type { Labels } from '../../promql/SampleSource.js';

/** One series of a PromQL rule's result at the evaluation time. */
export interface RuleSeries {
  labels: Labels;
  value: number;
}

/**
 * The series of an instant query's result, as Prometheus's rule evaluation reads them: a vector as it
 * is, a scalar as one series without labels. Any other type throws (the rule's error state). Pure.
 */
export function ruleSeriesOf(result: QueryResult): RuleSeries[] {
  if (result.resultType === 'vector')
    return result.result.map((s) => ({ labels: s.metric, value: s.value[1] }));
  if (result.resultType === 'scalar') return [{ labels: {}, value: result.result[1] }];
  throw new Error(`the rule expression returned a ${result.resultType}, not an instant vector or a scalar`);
}
