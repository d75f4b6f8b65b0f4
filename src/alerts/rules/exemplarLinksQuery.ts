import { toJsonText } from '../../db/jsonText.js';
import type { RuleSource } from './AlertRule.js';
import type { SourceQuery } from './metricSourceQuery.js';

/** Metric sources whose value has exemplars behind it (`absent` counts rows that are not there). */
export type ExemplarSource = Extract<RuleSource, { kind: 'aggregate' | 'percentile' | 'rate' | 'baseline' }>;

/** Traces linked per instance and evaluation. */
export const TRACE_LINK_LIMIT = 5;

/**
 * The SQL of the exemplars behind the values of firing instances: for each instance (`instances[i]`
 * are its group-by labels), the traces of the rule metric's exemplars in (now - window, now] whose
 * series carry the source's label filter and the instance's labels, highest value first, at most
 * TRACE_LINK_LIMIT. Rows: `instance` (index into `instances`), `trace_id`, `value`. One statement for
 * all instances of a rule; it reads only rows with exemplars (a partial index). Pure.
 */
export function exemplarLinksQuery(
  source: ExemplarSource,
  instances: readonly Record<string, string>[],
  name: (object: string) => string,
  now: number,
): SourceQuery {
  // Reads metrics.exemplars itself rather than the metric_exemplars view so that a malformed exemplar
  // (not an array, a value that is not a number) is skipped instead of failing the evaluation.
  const sql = `SELECT i.ord - 1 AS instance, x.trace_id, x.value
  FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS i(labels, ord)
 CROSS JOIN LATERAL (
       SELECT e->>'trace_id' AS trace_id,
              max(CASE WHEN jsonb_typeof(e->'value') = 'number' THEN (e->>'value')::double precision END) AS value
         FROM ${name('metrics')} m
        CROSS JOIN LATERAL jsonb_array_elements(
              CASE WHEN jsonb_typeof(m.exemplars) = 'array' THEN m.exemplars ELSE '[]'::jsonb END) AS e
        WHERE m.metric_name = $1 AND m.recorded_at > $2 AND m.recorded_at <= $3 AND m.exemplars IS NOT NULL
          AND m.labels @> $4::jsonb AND m.labels @> i.labels AND e->>'trace_id' ~ '^[0-9a-f]{32}$'
        GROUP BY 1
        ORDER BY 2 DESC NULLS LAST, 1
        LIMIT ${TRACE_LINK_LIMIT}) AS x
 ORDER BY 1, x.value DESC NULLS LAST, x.trace_id`;
  return {
    sql,
    params: [
      source.metric,
      new Date(now - source.windowMs),
      new Date(now),
      toJsonText(source.labels ?? {}),
      toJsonText(instances),
    ],
  };
}
