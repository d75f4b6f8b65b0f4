import { isNode, LineCounter, parseDocument } from 'yaml';
import type { AlertRuleDefinition } from '../AlertRule.js';
import type { FileRecordingRule } from '../recording/RecordingRule.js';
import { pgtelRuleKind } from './pgtelRuleKind.js';
import { promDuration } from './promDuration.js';
import { promqlRuleKind } from './promqlRuleKind.js';
import type { RuleFileProblem, RuleKind } from './RuleKind.js';

/** A rule read from a rule file, with the group it belongs to. */
export interface FileRule {
  group: string;
  /** The rule kind that read it (`pgtel`, `promql`). */
  kind: string;
  definition: AlertRuleDefinition;
}

/** A rule file read: its rules when `problems` is empty, else every problem found. */
export interface ParsedRuleFile {
  groups: number;
  /** The alerting rules. */
  rules: FileRule[];
  /** The recording rules (`record:`), by group in file order. */
  recordingRules: FileRecordingRule[];
  problems: RuleFileProblem[];
}

/** The kinds a rule file can hold, asked in order. */
export const defaultRuleKinds: readonly RuleKind[] = [pgtelRuleKind, promqlRuleKind];

const GROUP_FIELDS = new Set(['name', 'interval', 'labels', 'rules']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `levels[1].threshold` as a YAML path: `['levels', 1, 'threshold']`. */
function fieldPath(field: string | undefined): (string | number)[] {
  if (field === undefined) return [];
  return field.split('.').flatMap((part) => {
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    return m ? [m[1]!, Number(m[2])] : [part];
  });
}

/**
 * Reads a rule file in the Prometheus rule-file shape, `groups: [{ name, interval, labels, rules }]`,
 * from YAML (or JSON) text, or from the value already parsed (`text` an object). Each rule goes to the
 * first kind that claims it. Reports every problem, each with its group, rule, field and line, like
 * `promtool check rules`; rule names must be unique across the file. Pure.
 */
export function parseRuleFile(
  text: string | unknown,
  kinds: readonly RuleKind[] = defaultRuleKinds,
): ParsedRuleFile {
  const problems: RuleFileProblem[] = [];
  const lines = new LineCounter();
  let value: unknown = text;
  let lineOf = (_path: (string | number)[]): number | undefined => undefined;
  if (typeof text === 'string') {
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    for (const error of doc.errors)
      problems.push({ line: error.linePos?.[0]?.line, message: `YAML: ${error.message.split('\n')[0]}` });
    if (doc.errors.length > 0) return { groups: 0, rules: [], recordingRules: [], problems };
    value = doc.toJS();
    lineOf = (path) => {
      const node = doc.getIn(path, true);
      return isNode(node) && node.range ? lines.linePos(node.range[0]).line : undefined;
    };
  }
  if (!isObject(value) || !Array.isArray(value.groups))
    return {
      groups: 0,
      rules: [],
      recordingRules: [],
      problems: [
        { field: 'groups', line: 1, message: 'the file must hold `groups:`, a list of rule groups' },
      ],
    };
  for (const key of Object.keys(value))
    if (key !== 'groups')
      problems.push({ field: key, line: lineOf([key]), message: 'is not a top-level field (only groups)' });
  const rules: FileRule[] = [];
  const recordingRules: FileRecordingRule[] = [];
  const groupNames = new Set<string>();
  const ruleNames = new Map<string, string>();
  value.groups.forEach((group: unknown, g) => {
    const at = (...path: (string | number)[]) => lineOf(['groups', g, ...path]);
    if (!isObject(group)) {
      problems.push({
        group: `groups[${g}]`,
        line: at(),
        message: 'a group must be a map with name and rules',
      });
      return;
    }
    const name = typeof group.name === 'string' && group.name.trim() !== '' ? group.name : `groups[${g}]`;
    const report = (field: string, message: string, line = at(field)) =>
      problems.push({ group: name, field, line, message });
    if (name === `groups[${g}]`) report('name', 'the group needs a name');
    else if (groupNames.has(name)) report('name', `group ${JSON.stringify(name)} is defined twice`);
    groupNames.add(name);
    for (const key of Object.keys(group))
      if (!GROUP_FIELDS.has(key)) report(key, 'is not a field of a rule group');
    const intervalMs = group.interval === undefined ? undefined : promDuration(group.interval);
    if (group.interval !== undefined && !(intervalMs !== undefined && intervalMs > 0))
      report('interval', `must be a duration such as 30s or 1m (got ${JSON.stringify(group.interval)})`);
    const groupLabels = isObject(group.labels) ? (group.labels as Record<string, string>) : {};
    if (group.labels !== undefined && !isObject(group.labels))
      report('labels', 'must be a map of names to strings');
    if (!Array.isArray(group.rules)) {
      report('rules', 'must be a list of rules');
      return;
    }
    group.rules.forEach((rule: unknown, r) => {
      const ruleAt = (field?: string) => at('rules', r, ...fieldPath(field));
      const ruleId =
        isObject(rule) && typeof (rule.alert ?? rule.name ?? rule.record) === 'string'
          ? String(rule.alert ?? rule.name ?? rule.record)
          : `rules[${r}]`;
      const push = (message: string, field?: string) =>
        problems.push({
          group: name,
          rule: ruleId,
          ...(field ? { field } : {}),
          line: ruleAt(field) ?? ruleAt(),
          message,
        });
      if (!isObject(rule)) {
        push('a rule must be a map');
        return;
      }
      const kind = kinds.find((k) => k.claims(rule));
      if (!kind) {
        push('a rule needs `source:` (a pgtel rule) or `expr:` (a PromQL rule)');
        return;
      }
      const result = kind.read(rule, { groupIntervalMs: intervalMs, groupLabels });
      if (!result.ok) {
        for (const p of result.problems) push(p.message, p.field);
        return;
      }
      // Several recording rules may record one name (with different labels), as in Prometheus.
      if ('recording' in result) {
        recordingRules.push({ group: name, position: r, rule: result.recording });
        return;
      }
      const ruleName = result.definition.name;
      const previous = ruleNames.get(ruleName);
      if (previous !== undefined) {
        push(
          `rule ${JSON.stringify(ruleName)} is already defined in group ${JSON.stringify(previous)}`,
          'name',
        );
        return;
      }
      ruleNames.set(ruleName, name);
      rules.push({ group: name, kind: kind.name, definition: result.definition });
    });
  });
  const valid = problems.length === 0;
  return {
    groups: value.groups.length,
    rules: valid ? rules : [],
    recordingRules: valid ? recordingRules : [],
    problems,
  };
}

/** One line per problem: `group "g", rule "r", field f (line 12): message`. */
export function formatRuleFileProblem(p: RuleFileProblem): string {
  const where = [
    p.group !== undefined ? `group ${JSON.stringify(p.group)}` : null,
    p.rule !== undefined ? `rule ${JSON.stringify(p.rule)}` : null,
    p.field !== undefined ? `field ${p.field}` : null,
  ].filter(Boolean);
  const line = p.line !== undefined ? ` (line ${p.line})` : '';
  return `${where.join(', ') || 'file'}${line}: ${p.message}`;
}
