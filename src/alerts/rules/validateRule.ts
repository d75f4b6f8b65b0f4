import { ValidationError } from '../../errors.js';
import { LOG_COUNT_GROUPS } from '../../logs/logCountQuery.js';
import { minSeverityNumber } from '../../logs/logSeverity.js';
import { SEVERITIES } from '../Severity.js';
import type { AlertRule, AlertRuleDefinition } from './AlertRule.js';
import { promqlExprProblem } from './promqlExprProblem.js';

const COMPARISONS = ['>', '>=', '<', '<='];
const AGGREGATES = ['avg', 'min', 'max', 'sum', 'count', 'last'];
const METRIC_KINDS = ['aggregate', 'percentile', 'rate', 'absent', 'baseline'];

/** One problem of a rule definition: the field it is about (dotted path) and what is wrong. */
export interface RuleProblem {
  field: string;
  message: string;
}

/** A rule definition that does not validate; `problems` lists every problem found, each with its field. */
export class RuleValidationError extends ValidationError {
  readonly problems: RuleProblem[];

  constructor(rule: string | undefined, problems: RuleProblem[]) {
    const head = rule === undefined ? 'Alert rule' : `Alert rule ${JSON.stringify(rule)}`;
    super(`${head}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.problems = problems;
  }
}

type Report = (field: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkDuration(report: Report, field: string, value: unknown, min: number, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    report(field, `must be a number of milliseconds >= ${min} (got ${JSON.stringify(value)})`);
}

function checkLabelMap(report: Report, field: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    report(field, 'must be a map of names to strings');
    return;
  }
  for (const [k, v] of Object.entries(value))
    if (typeof v !== 'string') report(`${field}.${k}`, `must be a string (got ${JSON.stringify(v)})`);
}

function checkLogSource(report: Report, source: Record<string, unknown>): void {
  checkDuration(report, 'source.windowMs', source.windowMs, 1, true);
  for (const key of ['service', 'q'] as const) {
    const value = source[key];
    if (value !== undefined && !(typeof value === 'string' && value !== '' && value.length <= 512))
      report(`source.${key}`, 'must be a non-empty string of at most 512 characters');
  }
  if (source.severity !== undefined) {
    try {
      minSeverityNumber(source.severity as string | number, 'source.severity');
    } catch (error) {
      report('source.severity', (error as Error).message);
    }
  }
  const groupBy = source.groupBy;
  if (
    groupBy !== undefined &&
    !(Array.isArray(groupBy) && groupBy.every((g) => (LOG_COUNT_GROUPS as unknown[]).includes(g)))
  )
    report('source.groupBy', `of a logs source may list only ${LOG_COUNT_GROUPS.join(' and ')}`);
}

function checkSource(report: Report, source: unknown): void {
  if (!isObject(source)) {
    report('source', 'must be an object with a kind');
    return;
  }
  if (source.kind === 'sql') {
    if (typeof source.sql !== 'string' || source.sql.trim() === '') report('source.sql', 'must be SQL text');
    checkDuration(report, 'source.timeoutMs', source.timeoutMs, 1);
    return;
  }
  if (source.kind === 'logs') {
    checkLogSource(report, source);
    return;
  }
  if (source.kind === 'promql') {
    const problem = promqlExprProblem(source.expr);
    if (problem) report('source.expr', problem);
    return;
  }
  if (!METRIC_KINDS.includes(source.kind as string)) {
    report(
      'source.kind',
      `must be ${METRIC_KINDS.join(', ')}, logs, promql or sql (got ${JSON.stringify(source.kind)})`,
    );
    return;
  }
  if (typeof source.metric !== 'string' || source.metric === '')
    report('source.metric', 'must be a metric name');
  checkDuration(report, 'source.windowMs', source.windowMs, 1, true);
  checkLabelMap(report, 'source.labels', source.labels);
  checkLabelMap(report, 'source.resource', source.resource);
  const service = source.service;
  if (
    service !== undefined &&
    !(typeof service === 'string' && service !== '') &&
    !(Array.isArray(service) && service.length > 0 && service.every((s) => typeof s === 'string'))
  )
    report('source.service', 'must be a service name or a non-empty list of them');
  if (source.kind === 'aggregate' && !AGGREGATES.includes(source.aggregate as string))
    report('source.aggregate', `must be one of ${AGGREGATES.join(', ')}`);
  if (source.kind === 'percentile' && !((source.p as number) >= 0 && (source.p as number) <= 1))
    report('source.p', `must be within [0, 1] (got ${JSON.stringify(source.p)})`);
  if (source.kind === 'baseline') checkDuration(report, 'source.baselineMs', source.baselineMs, 1);
  const groupBy = source.groupBy;
  if (groupBy === undefined || source.kind === 'absent') return;
  if (!Array.isArray(groupBy) || groupBy.some((g) => typeof g !== 'string' || g === ''))
    report('source.groupBy', 'must be a list of label names');
  else if (source.kind === 'percentile' && groupBy.some((g) => g !== 'service.name'))
    report('source.groupBy', 'groupBy of a percentile may only list service.name');
}

/** Levels of the rule; `thresholdOptional` for a promql source, whose expression may do the comparing. */
function checkLevels(report: Report, levels: unknown, comparison: string, thresholdOptional: boolean): void {
  if (!Array.isArray(levels) || levels.length === 0) {
    report('levels', 'must list at least one { severity, threshold }');
    return;
  }
  const upward = comparison.startsWith('>');
  const seen = new Set<unknown>();
  levels.forEach((level: Record<string, unknown> | undefined, i) => {
    const field = `levels[${i}]`;
    if (!isObject(level)) {
      report(field, 'must be an object { severity, threshold }');
      return;
    }
    if (!(SEVERITIES as readonly unknown[]).includes(level.severity))
      report(
        `${field}.severity`,
        `must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(level.severity)})`,
      );
    else if (seen.has(level.severity)) report(`${field}.severity`, `${level.severity} is listed twice`);
    seen.add(level.severity);
    const threshold = level.threshold;
    if (threshold === undefined && thresholdOptional) {
      if (level.resolveThreshold !== undefined)
        report(`${field}.resolveThreshold`, 'needs a threshold on the same level');
      return;
    }
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      report(`${field}.threshold`, 'must be a finite number');
      return;
    }
    const resolve = level.resolveThreshold;
    if (resolve === undefined) return;
    if (typeof resolve !== 'number' || !(upward ? resolve <= threshold : resolve >= threshold))
      report(`${field}.resolveThreshold`, 'must be a number on the clearing side of its threshold');
  });
}

/**
 * Every problem of a rule definition, each naming its field (`source.windowMs`, `levels[1].threshold`);
 * empty when the rule is valid. Pure.
 */
export function ruleProblems(def: AlertRuleDefinition): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const report: Report = (field, message) => problems.push({ field, message });
  if (!isObject(def)) return [{ field: 'rule', message: 'must be an object' }];
  if (typeof def.name !== 'string' || def.name.trim() === '') report('name', 'must be a non-empty string');
  checkSource(report, def.source);
  const comparison = def.comparison ?? '>';
  if (!COMPARISONS.includes(comparison)) report('comparison', `must be one of ${COMPARISONS.join(' ')}`);
  const isPromql = isObject(def.source) && def.source.kind === 'promql';
  checkLevels(report, def.levels, comparison, isPromql);
  for (const field of ['forMs', 'keepFiringForMs'] as const) checkDuration(report, field, def[field], 0);
  for (const field of ['intervalMs', 'repeatIntervalMs', 'flapWindowMs'] as const)
    checkDuration(report, field, def[field], 1);
  checkLabelMap(report, 'labels', def.labels);
  checkLabelMap(report, 'annotations', def.annotations);
  if (def.noData !== undefined && !['nodata', 'ok', 'alerting', 'keep_last'].includes(def.noData))
    report('noData', 'must be nodata, ok, alerting or keep_last');
  if (def.onError !== undefined && !['error', 'alerting', 'keep_last'].includes(def.onError))
    report('onError', 'must be error, alerting or keep_last');
  const flapThreshold = def.flapThreshold ?? 4;
  if (!Number.isInteger(flapThreshold) || flapThreshold < 2)
    report('flapThreshold', 'must be a whole number >= 2');
  if (
    def.groupBy !== undefined &&
    (!Array.isArray(def.groupBy) || def.groupBy.some((g) => typeof g !== 'string'))
  )
    report('groupBy', 'must be a list of label names');
  if (def.alertType !== undefined && (typeof def.alertType !== 'string' || def.alertType === ''))
    report('alertType', 'must be a non-empty string');
  return problems;
}

/** Checks a rule definition and applies every default; throws RuleValidationError naming each bad field. */
export function validateRule(def: AlertRuleDefinition): AlertRule {
  const problems = ruleProblems(def);
  if (problems.length > 0)
    throw new RuleValidationError(typeof def?.name === 'string' ? def.name : undefined, problems);
  return {
    name: def.name,
    source: def.source,
    comparison: def.comparison ?? '>',
    levels: def.levels.map((l) => ({ ...l })),
    forMs: def.forMs ?? 0,
    keepFiringForMs: def.keepFiringForMs ?? 0,
    intervalMs: def.intervalMs ?? 60_000,
    labels: def.labels ?? {},
    annotations: def.annotations ?? {},
    noData: def.noData ?? (def.source.kind === 'promql' ? 'ok' : 'nodata'),
    onError: def.onError ?? 'error',
    repeatIntervalMs: def.repeatIntervalMs ?? 4 * 3_600_000,
    groupBy: def.groupBy ?? ['alertname'],
    alertType: def.alertType ?? 'rule',
    flapThreshold: def.flapThreshold ?? 4,
    flapWindowMs: def.flapWindowMs ?? 3_600_000,
  };
}
