import { type LogFilter, logFilterSql } from './logFilterSql.js';
import { severityNameSql } from './logSeverity.js';

/** What a log count groups by: the service, the severity name. */
export type LogCountGroup = 'service.name' | 'severity';

export const LOG_COUNT_GROUPS: readonly LogCountGroup[] = ['service.name', 'severity'];

/**
 * The label of each group: the severity name is `log.severity`, since `severity` is the alert's own
 * label (critical, warning...).
 */
export const LOG_COUNT_LABELS = { 'service.name': 'service.name', severity: 'log.severity' } as const;

function windowConditions(filter: Omit<LogFilter, 'from' | 'to'>, windowMs: number, now: number) {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = logFilterSql(filter, param);
  where.push(`time > ${param(new Date(now - windowMs))}`, `time <= ${param(new Date(now))}`);
  return { where, params, param };
}

/**
 * The SQL of "how many records match `filter` in (now - windowMs, now]", one row per group: `labels`
 * (jsonb, the group's `service.name` and/or `log.severity`) and `value`. Without groups it is one row,
 * 0 when nothing matched. `name` qualifies pgtel tables. Pure; throws ValidationError for bad filters.
 */
export function logCountQuery(
  filter: Omit<LogFilter, 'from' | 'to'>,
  windowMs: number,
  groupBy: readonly LogCountGroup[],
  name: (table: string) => string,
  now: number,
): { sql: string; params: unknown[] } {
  const { where, params } = windowConditions(filter, windowMs, now);
  const pairs = groupBy.map((g) =>
    g === 'service.name'
      ? `'${LOG_COUNT_LABELS[g]}', service_name`
      : `'${LOG_COUNT_LABELS[g]}', ${severityNameSql('severity_number')}`,
  );
  const labels = pairs.length ? `jsonb_build_object(${pairs.join(', ')})` : `'{}'::jsonb`;
  return {
    sql: `SELECT ${labels} AS labels, count(*)::float8 AS value FROM ${name('logs')}
           WHERE ${where.join(' AND ')}${pairs.length ? ' GROUP BY 1' : ''}`,
    params,
  };
}

/**
 * The SQL of the newest distinct trace ids (column `trace_id`, at most `limit`) among the records
 * one group of `logCountQuery` counted (its `labels`): what an alert on log counts links to. Pure.
 */
export function logCountTracesQuery(
  filter: Omit<LogFilter, 'from' | 'to'>,
  windowMs: number,
  labels: Record<string, string>,
  name: (table: string) => string,
  now: number,
  limit: number,
): { sql: string; params: unknown[] } {
  const { where, params, param } = windowConditions(filter, windowMs, now);
  where.push('trace_id IS NOT NULL');
  const service = labels[LOG_COUNT_LABELS['service.name']];
  const severity = labels[LOG_COUNT_LABELS.severity];
  if (service !== undefined) where.push(`service_name = ${param(service)}`);
  if (severity !== undefined) where.push(`${severityNameSql('severity_number')} = ${param(severity)}`);
  return {
    sql: `SELECT trace_id FROM ${name('logs')} WHERE ${where.join(' AND ')}
           GROUP BY trace_id ORDER BY max(time) DESC LIMIT ${param(limit)}`,
    params,
  };
}
