import { toJsonText } from '../../db/jsonText.js';
import {
  normalizeServices,
  RESOURCE_PREFIX,
  SERVICE_KEY,
  seriesFilterSql,
} from '../../metrics/SeriesFilter.js';
import type { RuleSource } from './AlertRule.js';

export type MetricSource = Exclude<RuleSource, { kind: 'sql' | 'logs' | 'promql' }>;

export interface SourceQuery {
  sql: string;
  params: unknown[];
}

const LAST = '(array_agg(metric_value ORDER BY recorded_at DESC))[1]';
const FIRST = '(array_agg(metric_value ORDER BY recorded_at))[1]';

// Flushed histogram rows carry count/sum/min/max of many observations; other rows are one value each.
const AGGREGATES = {
  avg: 'sum(coalesce(sample_sum, metric_value * sample_count)) / nullif(sum(sample_count), 0)',
  min: 'min(coalesce(sample_min, metric_value))',
  max: 'max(coalesce(sample_max, metric_value))',
  sum: 'sum(metric_value)',
  count: 'sum(sample_count)::double precision',
  last: LAST,
} as const;

/**
 * The SQL expression of a `metrics` row's (aliased `m`) group-by values (the labels of its alert
 * instance), as jsonb: a label key its label, `service.name` the service column (absent when
 * unknown), `resource.<key>` the attribute of the row's series in `metric_series`. Absent values
 * leave their key out. `param` turns a value into a placeholder; `name` qualifies pgtel objects. Pure.
 */
export function groupLabelsSql(
  source: MetricSource,
  param: (value: unknown) => string,
  name: (object: string) => string,
): string {
  const groupBy = 'groupBy' in source ? (source.groupBy ?? []) : [];
  if (groupBy.length === 0) return `'{}'::jsonb`;
  const pairs = groupBy.map((g) => {
    const p = param(g);
    if (g === SERVICE_KEY) return `${p}::text, nullif(m.service_name, '')`;
    if (g.startsWith(RESOURCE_PREFIX)) {
      const key = param(g.slice(RESOURCE_PREFIX.length));
      return `${p}::text, (SELECT rs.resource->>${key}::text FROM ${name('metric_series')} rs WHERE rs.series_id = m.series_id)`;
    }
    return `${p}::text, m.labels->>${p}::text`;
  });
  return `jsonb_strip_nulls(jsonb_build_object(${pairs.join(', ')}))`;
}

/**
 * The service and resource conditions of a metric source on rows aliased `m` (` AND ...`, or '');
 * the label filter is `$4` of `sourceParams`. Pure.
 */
export function sourceFilterSql(
  source: MetricSource,
  param: (value: unknown) => string,
  name: (object: string) => string,
): string {
  return seriesFilterSql({ services: sourceServices(source), resource: source.resource }, 'm', param, name);
}

/** The source's services as a list (undefined: every service). */
function sourceServices(source: MetricSource): string[] | undefined {
  return normalizeServices(source.service, source.resource);
}

/**
 * The parameters a metric source's queries start with: $1 the metric, $2 and $3 the window
 * (now - windowMs, now], $4 the label filter, then `extra`; `param` adds one more and names it.
 */
export function sourceParams(source: MetricSource, now: number, ...extra: unknown[]) {
  const params: unknown[] = [
    source.metric,
    new Date(now - source.windowMs),
    new Date(now),
    toJsonText(source.labels ?? {}),
    ...extra,
  ];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { params, param };
}

/**
 * The SQL of a metric source: rows of `labels` (jsonb, the group-by label values), `value` and
 * optional `details` (jsonb) over the samples of one metric in (now - window, now]. Pure.
 * `name` maps pgtel table/function names to their schema-qualified form.
 */
export function metricSourceQuery(
  source: MetricSource,
  name: (object: string) => string,
  now: number,
): SourceQuery {
  const { params, param } = sourceParams(source, now);
  const groupLabels = () => groupLabelsSql(source, param, name);
  // Built where used: a parameter the SQL never reads would be refused.
  const where = (from: string, to: string) =>
    `FROM ${name('metrics')} m WHERE m.metric_name = $1 AND m.recorded_at > ${from} AND m.recorded_at <= ${to} AND m.labels @> $4::jsonb${sourceFilterSql(source, param, name)}`;
  switch (source.kind) {
    case 'aggregate': {
      const labels = groupLabels();
      const value = AGGREGATES[source.aggregate];
      return { sql: `SELECT ${labels} AS labels, ${value} AS value ${where('$2', '$3')} GROUP BY 1`, params };
    }
    case 'rate': {
      const labels = groupLabels();
      const seconds = param(source.windowMs / 1000);
      const change = `CASE WHEN bool_and(metric_type = 'counter') THEN sum(metric_value) ELSE ${LAST} - ${FIRST} END`;
      return {
        sql: `SELECT ${labels} AS labels, ${change} / ${seconds}::double precision AS value ${where('$2', '$3')} GROUP BY 1`,
        params,
      };
    }
    case 'absent':
      return {
        sql: `SELECT '{}'::jsonb AS labels, CASE WHEN count(*) = 0 THEN 1 ELSE 0 END::double precision AS value ${where('$2', '$3')}`,
        params,
      };
    case 'percentile': {
      const p = param(source.p);
      const { [SERVICE_KEY]: _service, ...rest } = source.resource ?? {};
      const resource = param(toJsonText(rest));
      const percentile = (services: string) =>
        `${name('metric_percentile_filtered')}($1, ${p}::double precision, $2, $3, $4::jsonb, ${services}, ${resource}::jsonb)`;
      if (!source.groupBy?.includes(SERVICE_KEY)) {
        const services = param(sourceServices(source) ?? null);
        return { sql: `SELECT '{}'::jsonb AS labels, ${percentile(`${services}::text[]`)} AS value`, params };
      }
      // One percentile per service that wrote the metric in the window (its sketches only).
      return {
        sql: `SELECT jsonb_strip_nulls(jsonb_build_object('${SERVICE_KEY}', nullif(svc, ''))) AS labels,
                ${percentile('ARRAY[svc]')} AS value
           FROM (SELECT DISTINCT m.service_name AS svc ${where('$2', '$3')}) AS services`,
        params,
      };
    }
    case 'baseline': {
      const labels = groupLabels();
      const baselineFrom = param(new Date(now - source.windowMs - (source.baselineMs ?? 7 * 86_400_000)));
      const sql = `WITH cur AS (SELECT ${labels} AS labels, ${AGGREGATES.avg} AS v ${where('$2', '$3')} GROUP BY 1),
        base AS (SELECT ${labels} AS labels, percentile_cont(0.5) WITHIN GROUP (ORDER BY metric_value) AS b
                 ${where(baselineFrom, '$2')} GROUP BY 1)
        SELECT cur.labels, cur.v / base.b AS value, jsonb_build_object('current', cur.v, 'baseline', base.b) AS details
          FROM cur JOIN base ON base.labels = cur.labels WHERE base.b > 0`;
      return { sql, params };
    }
  }
}
