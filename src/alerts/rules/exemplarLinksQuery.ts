import { toJsonText } from '../../db/jsonText.js';
import type { AlertRule, Comparison, RuleSource } from './AlertRule.js';
import { groupLabelsSql, type SourceQuery, sourceFilterSql, sourceParams } from './metricSourceQuery.js';

/** Metric sources whose value has exemplars behind it (`absent` counts rows that are not there). */
export type ExemplarSource = Extract<RuleSource, { kind: 'aggregate' | 'percentile' | 'rate' | 'baseline' }>;

/** Traces linked per instance and evaluation. */
export const TRACE_LINK_LIMIT = 5;

/** Exemplars that would alert on their own: the rule's comparison against its mildest threshold. */
export interface ExemplarCause {
  comparison: Comparison;
  threshold: number;
}

const SQL_COMPARISON: Record<Comparison, string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

/**
 * When the rule's value is in the unit of the observations (an average, extreme, last value or
 * percentile), only exemplars past the mildest threshold explain the alert: a 40 ms request is not
 * behind a "latency above 1 s" alert. Sums, counts, rates and baseline ratios compare something
 * else, so every exemplar counts there (undefined). Pure.
 */
export function exemplarCause(
  rule: Pick<AlertRule, 'source' | 'levels' | 'comparison'>,
): ExemplarCause | undefined {
  const { source } = rule;
  const sameUnit =
    source.kind === 'percentile' ||
    (source.kind === 'aggregate' && !['sum', 'count'].includes(source.aggregate));
  if (!sameUnit) return undefined;
  // Metric sources always have thresholds (only a promql level may go without).
  const thresholds = rule.levels.map((l) => l.threshold!);
  const below = rule.comparison === '<' || rule.comparison === '<=';
  return {
    comparison: rule.comparison,
    threshold: below ? Math.max(...thresholds) : Math.min(...thresholds),
  };
}

/**
 * The SQL of the exemplars behind the values of firing instances: for each instance (`instances[i]`
 * are its group-by labels, as the source query returned them), the traces of the rule metric's
 * exemplars in (now - window, now] whose series pass the source's label, service and resource filters
 * and carry the instance's group-by values (labels, service.name, resource attributes), past the `cause` threshold when given, the most extreme first (highest, or lowest for
 * `<` rules), at most TRACE_LINK_LIMIT. Rows: `instance` (index into `instances`),
 * `trace_id`, `value`. One pass over the window's rows with exemplars (a partial index) for all
 * instances of a rule: each row's group-by labels are hash-joined to the instances. Pure.
 */
export function exemplarLinksQuery(
  source: ExemplarSource,
  instances: readonly Record<string, string>[],
  name: (object: string) => string,
  now: number,
  cause?: ExemplarCause,
): SourceQuery {
  const { params, param } = sourceParams(source, now, toJsonText(instances));

  // Reads metrics.exemplars itself rather than the metric_exemplars view so that a malformed exemplar
  // (not an array, a value that is not a number) is skipped instead of failing the evaluation.
  const pastThreshold = cause
    ? `WHERE value ${SQL_COMPARISON[cause.comparison]} ${param(cause.threshold)}::double precision`
    : '';
  const lowestFirst = cause?.comparison === '<' || cause?.comparison === '<=';
  const sql = `WITH instance AS (
  SELECT labels, ord - 1 AS instance FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS i(labels, ord)),
exemplar AS (
  SELECT ${groupLabelsSql(source, param, name)} AS labels, e.value AS exemplar
    FROM ${name('metrics')} m
   CROSS JOIN LATERAL jsonb_array_elements(
         CASE WHEN jsonb_typeof(m.exemplars) = 'array' THEN m.exemplars ELSE '[]'::jsonb END) AS e
   WHERE m.metric_name = $1 AND m.recorded_at > $2 AND m.recorded_at <= $3 AND m.exemplars IS NOT NULL
     AND m.labels @> $4::jsonb${sourceFilterSql(source, param, name)}),
per_trace AS (
  SELECT i.instance, x.exemplar->>'trace_id' AS trace_id,
         ${lowestFirst ? 'min' : 'max'}(CASE WHEN jsonb_typeof(x.exemplar->'value') = 'number'
                  THEN (x.exemplar->>'value')::double precision END) AS value
    FROM exemplar x JOIN instance i ON i.labels = x.labels
   WHERE x.exemplar->>'trace_id' ~ '^[0-9a-f]{32}$'
   GROUP BY 1, 2)
SELECT instance, trace_id, value
  FROM (SELECT *, row_number() OVER (PARTITION BY instance ORDER BY value ${lowestFirst ? 'ASC' : 'DESC'} NULLS LAST, trace_id) AS n
          FROM per_trace ${pastThreshold}) AS ranked
 WHERE n <= ${TRACE_LINK_LIMIT}
 ORDER BY instance, n`;
  return { sql, params };
}
