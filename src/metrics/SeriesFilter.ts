import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';

/** The group-by key and filter key of the column `service_name` (the resource's `service.name`). */
export const SERVICE_KEY = 'service.name';
/** Group-by keys starting with this name a resource attribute (`resource.host.name`), read from `metric_series`. */
export const RESOURCE_PREFIX = 'resource.';

/** Which series of a metric to read, beyond its name. Every part is optional; all must hold. */
export interface SeriesFilter {
  /** Point attributes the series' labels contain. Default: any. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** Services (`service.name`) the series belongs to, any of them. Default (undefined): every service. */
  services?: readonly string[] | undefined;
  /** Resource attributes (other than service.name) the series' resource contains. Default: any. */
  resource?: Readonly<Record<string, string>> | undefined;
}

/** Turns a value into a placeholder (`$7`) of the query being built. */
export type Param = (value: unknown) => string;

/**
 * A service filter from one name or several; `service.name` in a resource filter counts as one too
 * (both must hold). Undefined when nothing restricts the service. Pure.
 */
export function normalizeServices(
  services: string | readonly string[] | undefined,
  resource: Readonly<Record<string, string>> | undefined,
): string[] | undefined {
  let list = services === undefined ? undefined : typeof services === 'string' ? [services] : [...services];
  if (list?.some((s) => typeof s !== 'string'))
    throw new ValidationError('service must be a service name or a list of them');
  const fromResource = resource?.[SERVICE_KEY];
  if (fromResource !== undefined) list = list ? list.filter((s) => s === fromResource) : [fromResource];
  return list;
}

/** The resource attributes of a filter other than service.name (a column of its own). */
function resourceAttributes(resource: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(resource ?? {})) if (k !== SERVICE_KEY) rest[k] = String(v);
  return rest;
}

/**
 * SQL conditions (joined by AND, starting with AND) restricting rows of `metrics` or `metrics_hourly`
 * aliased `alias` to the filter: labels by containment, services by the `service_name` column,
 * resource attributes through `metric_series` (EXISTS by `series_id`). `table` names pgtel objects. Pure.
 */
export function seriesFilterSql(
  filter: SeriesFilter,
  alias: string,
  param: Param,
  table: (name: string) => string,
): string {
  const parts: string[] = [];
  const labels = filter.labels ?? {};
  if (Object.keys(labels).length > 0) parts.push(`${alias}.labels @> ${param(toJsonText(labels))}::jsonb`);
  const services = normalizeServices(filter.services, filter.resource);
  if (services !== undefined) parts.push(`${alias}.service_name = ANY (${param(services)}::text[])`);
  const resource = resourceAttributes(filter.resource);
  if (Object.keys(resource).length > 0)
    parts.push(
      `EXISTS (SELECT 1 FROM ${table('metric_series')} fs WHERE fs.series_id = ${alias}.series_id AND fs.resource @> ${param(toJsonText(resource))}::jsonb)`,
    );
  return parts.map((p) => ` AND ${p}`).join('');
}

/** Whether a group-by key reads `metric_series` (a resource attribute other than service.name). */
export function needsSeriesJoin(groupBy: readonly string[]): boolean {
  return groupBy.some((k) => k.startsWith(RESOURCE_PREFIX) && k !== `${RESOURCE_PREFIX}${SERVICE_KEY}`);
}

/**
 * The SQL value of one group-by key for a row aliased `alias`: `service.name` (or
 * `resource.service.name`) the service column, `resource.<key>` the resource attribute of the series
 * joined as `seriesAlias`, any other key the point label; '' when absent. Pure.
 */
export function groupValueSql(key: string, alias: string, seriesAlias: string, param: Param): string {
  if (key === SERVICE_KEY || key === `${RESOURCE_PREFIX}${SERVICE_KEY}`) return `${alias}.service_name`;
  if (key.startsWith(RESOURCE_PREFIX))
    return `coalesce(${seriesAlias}.resource ->> ${param(key.slice(RESOURCE_PREFIX.length))}::text, '')`;
  return `coalesce(${alias}.labels ->> ${param(key)}::text, '')`;
}

/** A jsonb object of the group-by keys and their values (`'{}'` without keys). Pure. */
export function groupObjectSql(
  groupBy: readonly string[],
  alias: string,
  seriesAlias: string,
  param: Param,
): string {
  if (groupBy.length === 0) return `'{}'::jsonb`;
  const pairs = groupBy.map((k) => `${param(k)}::text, ${groupValueSql(k, alias, seriesAlias, param)}`);
  return `jsonb_build_object(${pairs.join(', ')})`;
}
