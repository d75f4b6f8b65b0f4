import { attributeCandidates } from '../db/attributeCandidates.js';
import { ValidationError } from '../errors.js';
import { minSeverityNumber } from './logSeverity.js';

/** Which log records a search, a tail, a histogram or an alert source reads. Every filter is optional. */
/**
 * The words of a record's body, exactly the expression of the GIN index `logs_body_search_idx`
 * (migration 0011), so the index answers: the first 100,000 characters, since a tsvector holds 1 MB.
 */
export const LOG_BODY_TSVECTOR = "to_tsvector('simple', left(body, 100000))";

/** Which log records a read selects; every field optional, all given must hold. */
export interface LogFilter {
  /** Records at or after this time. */
  from?: Date | undefined;
  /** Records before this time. */
  to?: Date | undefined;
  /** The resource's `service.name`. */
  service?: string | undefined;
  /** Minimum severity: `trace`, `debug`, `info`, `warn`, `error`, `fatal`, or a number 1–24. */
  severity?: string | number | undefined;
  /**
   * Full-text search over the body, web-search syntax (`timeout -retry "card declined" or refused`),
   * words matched as written (the `simple` configuration: no stemming, case-insensitive).
   */
  q?: string | undefined;
  /** 32 hex characters. */
  traceId?: string | undefined;
  /** 16 hex characters. */
  spanId?: string | undefined;
  /** Records whose attributes hold every key with the value (as a string, or the number/boolean it reads as). */
  attributes?: Record<string, string> | undefined;
}

const MAX_TEXT = 512;

function fail(message: string): never {
  throw new ValidationError(message);
}

function checkDate(name: string, value: unknown): void {
  if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime())))
    fail(`${name} must be a valid Date`);
}

function checkText(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value === '') fail(`${name} must be a non-empty string`);
  if (value.length > MAX_TEXT) fail(`${name} is longer than ${MAX_TEXT} characters`);
  if (value.includes('\0')) fail(`${name} must not contain NUL characters`);
}

/**
 * The conditions (joined with AND) of `filter` on `logs` rows, each value a bound parameter made by
 * `param`. Throws ValidationError naming the filter at fault. Pure.
 */
export function logFilterSql(filter: LogFilter, param: (value: unknown) => string): string[] {
  checkDate('from', filter.from);
  checkDate('to', filter.to);
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime())
    fail('from must be before to');
  for (const key of ['service', 'q'] as const) checkText(key, filter[key]);
  if (filter.traceId !== undefined && !/^[0-9a-fA-F]{32}$/.test(filter.traceId))
    fail(`traceId must be 32 hex characters, got "${String(filter.traceId).slice(0, 40)}"`);
  if (filter.spanId !== undefined && !/^[0-9a-fA-F]{16}$/.test(filter.spanId))
    fail(`spanId must be 16 hex characters, got "${String(filter.spanId).slice(0, 40)}"`);
  const where: string[] = [];
  if (filter.from) where.push(`time >= ${param(filter.from)}`);
  if (filter.to) where.push(`time < ${param(filter.to)}`);
  if (filter.service !== undefined) where.push(`service_name = ${param(filter.service)}`);
  if (filter.severity !== undefined)
    where.push(`severity_number >= ${param(minSeverityNumber(filter.severity))}::smallint`);
  if (filter.q !== undefined)
    where.push(`${LOG_BODY_TSVECTOR} @@ websearch_to_tsquery('simple', ${param(filter.q)})`);
  if (filter.traceId !== undefined) where.push(`trace_id = ${param(filter.traceId.toLowerCase())}`);
  if (filter.spanId !== undefined) where.push(`span_id = ${param(filter.spanId.toLowerCase())}`);
  for (const [key, value] of Object.entries(filter.attributes ?? {})) {
    if (typeof value !== 'string') fail(`attribute ${key} must be a string`);
    where.push(`attributes @> ANY (${param(attributeCandidates(key, value))}::jsonb[])`);
  }
  return where;
}
