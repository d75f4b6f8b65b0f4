import type { AlertRuleDefinition } from '../AlertRule.js';
import { ruleProblems } from '../validateRule.js';
import { promDuration } from './promDuration.js';
import type { RuleKind, RuleKindResult } from './RuleKind.js';

/** Fields of `AlertRuleDefinition` a file rule may set; `alert` is the Prometheus spelling of `name`. */
const FIELDS = new Set([
  'alert',
  'name',
  'source',
  'comparison',
  'levels',
  'forMs',
  'for',
  'keepFiringForMs',
  'keep_firing_for',
  'intervalMs',
  'labels',
  'annotations',
  'noData',
  'onError',
  'repeatIntervalMs',
  'groupBy',
  'alertType',
  'flapThreshold',
  'flapWindowMs',
]);
/** Prometheus spellings of durations, read into their `AlertRuleDefinition` field. */
const ALIASES: Record<string, string> = { for: 'forMs', keep_firing_for: 'keepFiringForMs' };
const DURATION_FIELDS = ['forMs', 'keepFiringForMs', 'intervalMs', 'repeatIntervalMs', 'flapWindowMs'];
const SOURCE_DURATIONS = ['windowMs', 'baselineMs', 'timeoutMs'];

type Problems = { field?: string; message: string }[];

/** Reads a duration field in place: `5m` or a number of ms; leaves it for validation when unreadable. */
function readDuration(target: Record<string, unknown>, key: string, field: string, problems: Problems): void {
  const raw = target[key];
  if (raw === undefined) return;
  const ms = promDuration(raw);
  if (ms === undefined)
    problems.push({
      field,
      message: `must be a duration such as 30s, 5m or 1h30m, or milliseconds (got ${JSON.stringify(raw)})`,
    });
  else target[key] = ms;
}

/**
 * pgtel's own rule kinds (aggregate, percentile, rate, absent, baseline, sql) in a rule file: the
 * fields of `AlertRuleDefinition`, with durations also written as `5m`, `alert` for `name` and
 * `for`/`keep_firing_for` as in Prometheus. Every problem is reported with its field.
 */
export const pgtelRuleKind: RuleKind = {
  name: 'pgtel',
  claims: (rule) => 'source' in rule,
  read(rule, context): RuleKindResult {
    const problems: Problems = [];
    const def: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rule)) {
      if (!FIELDS.has(key)) problems.push({ field: key, message: 'is not a field of a pgtel rule' });
      else def[ALIASES[key] ?? key] = value;
    }
    if ('alert' in rule && 'name' in rule)
      problems.push({ field: 'name', message: 'give either alert or name, not both' });
    if ('alert' in rule) {
      def.name = rule.alert;
      delete def.alert;
    }
    for (const field of DURATION_FIELDS) readDuration(def, field, field, problems);
    if (def.source !== null && typeof def.source === 'object' && !Array.isArray(def.source)) {
      const source = { ...(def.source as Record<string, unknown>) };
      for (const field of SOURCE_DURATIONS) readDuration(source, field, `source.${field}`, problems);
      def.source = source;
    }
    if (def.intervalMs === undefined && context.groupIntervalMs !== undefined)
      def.intervalMs = context.groupIntervalMs;
    if (Object.keys(context.groupLabels).length > 0)
      def.labels = { ...context.groupLabels, ...(def.labels as Record<string, string> | undefined) };
    const reported = new Set(problems.map((p) => p.field));
    for (const p of ruleProblems(def as unknown as AlertRuleDefinition))
      if (!reported.has(p.field)) problems.push(p);
    return problems.length > 0
      ? { ok: false, problems }
      : { ok: true, definition: def as unknown as AlertRuleDefinition };
  },
};
