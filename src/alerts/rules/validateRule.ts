import { ValidationError } from '../../errors.js';
import { LOG_COUNT_GROUPS } from '../../logs/logCountQuery.js';
import { minSeverityNumber } from '../../logs/logSeverity.js';
import { assertSeverity } from '../Severity.js';
import type { AlertRule, AlertRuleDefinition, RuleSource } from './AlertRule.js';

const COMPARISONS = ['>', '>=', '<', '<='];
const AGGREGATES = ['avg', 'min', 'max', 'sum', 'count', 'last'];

function fail(rule: string, problem: string): never {
  throw new ValidationError(`Alert rule ${JSON.stringify(rule)}: ${problem}`);
}

function duration(rule: string, field: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(rule, `${field} must be a number of milliseconds >= ${min} (got ${JSON.stringify(value)}).`);
  }
  return value;
}

function labelMap(rule: string, field: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(rule, `${field} must be an object.`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(rule, `${field}.${k} must be a string.`);
  }
  return value as Record<string, string>;
}

function checkLogSource(rule: string, source: Extract<RuleSource, { kind: 'logs' }>): void {
  duration(rule, 'source.windowMs', source.windowMs ?? Number.NaN, 0, 1);
  for (const key of ['service', 'q'] as const) {
    const value = source[key];
    if (value !== undefined && !(typeof value === 'string' && value !== '' && value.length <= 512))
      fail(rule, `source.${key} must be a non-empty string of at most 512 characters.`);
  }
  if (source.severity !== undefined) {
    try {
      minSeverityNumber(source.severity, 'source.severity');
    } catch (error) {
      fail(rule, `${(error as Error).message}.`);
    }
  }
  const groupBy: unknown = source.groupBy;
  if (
    groupBy !== undefined &&
    !(Array.isArray(groupBy) && groupBy.every((g) => (LOG_COUNT_GROUPS as unknown[]).includes(g)))
  )
    fail(rule, `source.groupBy of a logs source may list ${LOG_COUNT_GROUPS.join(' and ')}.`);
}

function checkSource(rule: string, source: RuleSource): void {
  if (source === null || typeof source !== 'object') fail(rule, 'source must be an object.');
  if (source.kind === 'sql') {
    if (typeof source.sql !== 'string' || source.sql.trim() === '')
      fail(rule, 'source.sql must be SQL text.');
    duration(rule, 'source.timeoutMs', source.timeoutMs, 0, 1);
    return;
  }
  if (source.kind === 'logs') {
    checkLogSource(rule, source);
    return;
  }
  if (!['aggregate', 'percentile', 'rate', 'absent', 'baseline'].includes(source.kind)) {
    fail(
      rule,
      `source.kind must be aggregate, percentile, rate, absent, baseline, logs or sql (got ${JSON.stringify((source as { kind: unknown }).kind)}).`,
    );
  }
  if (typeof source.metric !== 'string' || source.metric === '')
    fail(rule, 'source.metric must be a metric name.');
  duration(rule, 'source.windowMs', source.windowMs ?? Number.NaN, 0, 1);
  labelMap(rule, 'source.labels', source.labels);
  labelMap(rule, 'source.resource', source.resource);
  const service = source.service;
  if (
    service !== undefined &&
    !(typeof service === 'string' && service !== '') &&
    !(Array.isArray(service) && service.length > 0 && service.every((s) => typeof s === 'string'))
  ) {
    fail(rule, 'source.service must be a service name or a non-empty list of them.');
  }
  if (source.kind === 'aggregate' && !AGGREGATES.includes(source.aggregate)) {
    fail(rule, `source.aggregate must be one of ${AGGREGATES.join(', ')}.`);
  }
  if (source.kind === 'percentile' && !(source.p >= 0 && source.p <= 1)) {
    fail(rule, `source.p must be within [0, 1] (got ${JSON.stringify(source.p)}).`);
  }
  if (source.kind === 'baseline') duration(rule, 'source.baselineMs', source.baselineMs, 0, 1);
  if ('groupBy' in source && source.groupBy !== undefined) {
    if (!Array.isArray(source.groupBy) || source.groupBy.some((g) => typeof g !== 'string' || g === '')) {
      fail(rule, 'source.groupBy must be a list of label names.');
    }
    if (source.kind === 'percentile' && source.groupBy.some((g) => g !== 'service.name'))
      fail(rule, 'source.groupBy of a percentile may only list service.name.');
  }
}

/** Checks a rule definition and applies every default; throws ValidationError naming the field. */
export function validateRule(def: AlertRuleDefinition): AlertRule {
  const name = def?.name;
  if (typeof name !== 'string' || name.trim() === '')
    throw new ValidationError('Alert rule name must be a non-empty string.');
  checkSource(name, def.source);
  const comparison = def.comparison ?? '>';
  if (!COMPARISONS.includes(comparison)) fail(name, `comparison must be one of ${COMPARISONS.join(' ')}.`);
  if (!Array.isArray(def.levels) || def.levels.length === 0)
    fail(name, 'levels must list at least one severity.');
  const upward = comparison.startsWith('>');
  const seen = new Set<string>();
  for (const level of def.levels) {
    assertSeverity(level?.severity, `Alert rule ${JSON.stringify(name)}: level severity`);
    if (seen.has(level.severity)) fail(name, `severity ${level.severity} is listed twice.`);
    seen.add(level.severity);
    if (!Number.isFinite(level.threshold))
      fail(name, `threshold of ${level.severity} must be a finite number.`);
    const resolve = level.resolveThreshold;
    if (resolve !== undefined && !(upward ? resolve <= level.threshold : resolve >= level.threshold)) {
      fail(name, `resolveThreshold of ${level.severity} must be on the clearing side of its threshold.`);
    }
  }
  if (def.noData !== undefined && !['nodata', 'ok', 'alerting', 'keep_last'].includes(def.noData)) {
    fail(name, 'noData must be nodata, ok, alerting or keep_last.');
  }
  if (def.onError !== undefined && !['error', 'alerting', 'keep_last'].includes(def.onError)) {
    fail(name, 'onError must be error, alerting or keep_last.');
  }
  const flapThreshold = def.flapThreshold ?? 4;
  if (!Number.isInteger(flapThreshold) || flapThreshold < 2)
    fail(name, 'flapThreshold must be a whole number >= 2.');
  return {
    name,
    source: def.source,
    comparison,
    levels: def.levels.map((l) => ({ ...l })),
    forMs: duration(name, 'forMs', def.forMs, 0),
    keepFiringForMs: duration(name, 'keepFiringForMs', def.keepFiringForMs, 0),
    intervalMs: duration(name, 'intervalMs', def.intervalMs, 60_000, 1),
    labels: labelMap(name, 'labels', def.labels),
    annotations: labelMap(name, 'annotations', def.annotations),
    noData: def.noData ?? 'nodata',
    onError: def.onError ?? 'error',
    repeatIntervalMs: duration(name, 'repeatIntervalMs', def.repeatIntervalMs, 4 * 3_600_000, 1),
    groupBy: def.groupBy ?? ['alertname'],
    alertType: def.alertType ?? 'rule',
    flapThreshold,
    flapWindowMs: duration(name, 'flapWindowMs', def.flapWindowMs, 3_600_000, 1),
  };
}
