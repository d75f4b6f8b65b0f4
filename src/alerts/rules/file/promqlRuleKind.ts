import { SEVERITIES, type Severity } from '../../Severity.js';
import type { AlertRuleDefinition, LabelMap } from '../AlertRule.js';
import { promqlExprProblem } from '../promqlExprProblem.js';
import { templateProblems } from '../renderTemplate.js';
import { ruleProblems } from '../validateRule.js';
import { promDuration } from './promDuration.js';
import type { RuleKind, RuleKindContext, RuleKindResult } from './RuleKind.js';

const ALERTING_FIELDS = new Set(['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const RECORDING_FIELDS = new Set(['record', 'expr', 'labels']);
/** A metric name PromQL selects without quoting: what a recording rule's `record` must be. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Where `ruleProblems` fields are in the Prometheus spelling of the rule. */
const FILE_FIELD: Record<string, string> = {
  name: 'alert',
  'source.expr': 'expr',
  forMs: 'for',
  keepFiringForMs: 'keep_firing_for',
  'levels[0].severity': 'labels.severity',
};

type Problems = { field?: string; message: string }[];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A `labels`/`annotations` map: string values under names that are not reserved (`__x`). */
function readMap(value: unknown, field: string, templated: boolean, problems: Problems): LabelMap {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.push({ field, message: 'must be a map of names to strings' });
    return {};
  }
  for (const [name, v] of Object.entries(value)) {
    if (name === '' || name.startsWith('__'))
      problems.push({ field: `${field}.${name}`, message: 'is not a valid name (empty, or reserved: __)' });
    if (typeof v !== 'string') problems.push({ field: `${field}.${name}`, message: 'must be a string' });
    else if (templated)
      for (const message of templateProblems(v)) problems.push({ field: `${field}.${name}`, message });
  }
  return value as LabelMap;
}

function readDuration(rule: Record<string, unknown>, field: string, problems: Problems): number | undefined {
  if (rule[field] === undefined) return undefined;
  const ms = promDuration(rule[field]);
  if (ms === undefined)
    problems.push({
      field,
      message: `must be a duration such as 30s, 5m or 1h (got ${JSON.stringify(rule[field])})`,
    });
  return ms;
}

function readRecording(rule: Record<string, unknown>, context: RuleKindContext, problems: Problems) {
  if (typeof rule.record !== 'string' || !METRIC_NAME.test(rule.record))
    problems.push({
      field: 'record',
      message: `must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${JSON.stringify(rule.record)}`,
    });
  const labels = readMap(rule.labels, 'labels', false, problems);
  return {
    record: String(rule.record),
    expr: String(rule.expr),
    labels: { ...context.groupLabels, ...labels },
    intervalMs: context.groupIntervalMs ?? 60_000,
  };
}

/**
 * The alert definition of a Prometheus alerting rule: a `promql` source, one level without threshold
 * (every series the expression returns alerts) at the severity of the `severity` label (pgtel's
 * critical, warning or info; default warning), `for`, `keep_firing_for`, templated labels and
 * annotations, the group's interval.
 */
function readAlerting(
  rule: Record<string, unknown>,
  context: RuleKindContext,
  problems: Problems,
): AlertRuleDefinition {
  if (typeof rule.alert !== 'string' || rule.alert.trim() === '')
    problems.push({ field: 'alert', message: 'must be the alert name' });
  const { severity = 'warning', ...labels } = {
    ...context.groupLabels,
    ...readMap(rule.labels, 'labels', true, problems),
  };
  if (!(SEVERITIES as readonly string[]).includes(severity))
    problems.push({
      field: 'labels.severity',
      message: `must be one of ${SEVERITIES.join(', ')}: the severity label of a pgtel alert (got ${JSON.stringify(severity)})`,
    });
  const def: AlertRuleDefinition = {
    name: String(rule.alert),
    source: { kind: 'promql', expr: String(rule.expr) },
    levels: [{ severity: severity as Severity }],
    labels,
    annotations: readMap(rule.annotations, 'annotations', true, problems),
  };
  const forMs = readDuration(rule, 'for', problems);
  const keepFiringForMs = readDuration(rule, 'keep_firing_for', problems);
  if (forMs !== undefined) def.forMs = forMs;
  if (keepFiringForMs !== undefined) def.keepFiringForMs = keepFiringForMs;
  if (context.groupIntervalMs !== undefined) def.intervalMs = context.groupIntervalMs;
  return def;
}

/**
 * Prometheus alerting rules (`alert:` + `expr:`) and recording rules (`record:` + `expr:`), checked as
 * `promtool check rules` does: the expression with the PromQL parser (an instant vector or a scalar),
 * recording rule names as metric names, durations, label and annotation names, and templates. Every
 * problem is reported with its field.
 */
export const promqlRuleKind: RuleKind = {
  name: 'promql',
  claims: (rule) => 'expr' in rule || 'record' in rule,
  read(rule, context): RuleKindResult {
    const problems: Problems = [];
    const recording = 'record' in rule;
    if (recording && 'alert' in rule)
      problems.push({
        field: 'record',
        message: 'give record (a recording rule) or alert (an alerting rule), not both',
      });
    const fields = recording ? RECORDING_FIELDS : ALERTING_FIELDS;
    for (const key of Object.keys(rule))
      if (!fields.has(key) && key !== 'alert')
        problems.push({
          field: key,
          message: `is not a field of a Prometheus ${recording ? 'recording' : 'alerting'} rule`,
        });
    const exprProblem = promqlExprProblem(rule.expr);
    if (exprProblem) problems.push({ field: 'expr', message: exprProblem });
    if (recording) {
      const result = readRecording(rule, context, problems);
      return problems.length > 0 ? { ok: false, problems } : { ok: true, recording: result };
    }
    const definition = readAlerting(rule, context, problems);
    const reported = new Set(problems.map((p) => p.field));
    for (const p of ruleProblems(definition)) {
      const field = FILE_FIELD[p.field] ?? p.field;
      if (!reported.has(field)) problems.push({ field, message: p.message });
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, definition };
  },
};
