import type { AlertRuleDefinition } from '../AlertRule.js';
import type { RecordingRule } from '../recording/RecordingRule.js';

/** One problem of a rule file, located by group, rule and field (and line when known). */
export interface RuleFileProblem {
  group?: string;
  /** The rule's name, or its position (`rules[2]`) when it has none. */
  rule?: string;
  field?: string;
  /** 1-based line in the file. */
  line?: number;
  message: string;
}

/** What a rule kind is told about the rule it reads. */
export interface RuleKindContext {
  /** The group's `interval` in ms, the default of the rule's `intervalMs`. */
  groupIntervalMs: number | undefined;
  /** The group's `labels`, added to the rule's own. */
  groupLabels: Record<string, string>;
}

/**
 * A rule kind's reading of one rule: the alert rule definition or the recording rule to store, or the
 * problems (field and message).
 */
export type RuleKindResult =
  | { ok: true; definition: AlertRuleDefinition }
  | { ok: true; recording: RecordingRule }
  | { ok: false; problems: { field?: string; message: string }[] };

/**
 * A kind of rule a rule file can hold. The loader asks each kind in turn whether it `claims` a rule
 * (pgtel's own kinds claim rules with `source:`, PromQL rules have `expr:`), then lets it `read` it.
 */
export interface RuleKind {
  name: string;
  claims(rule: Record<string, unknown>): boolean;
  read(rule: Record<string, unknown>, context: RuleKindContext): RuleKindResult;
}
