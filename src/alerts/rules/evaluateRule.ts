import type { AlertRule } from './AlertRule.js';
import { alertFingerprint } from './alertFingerprint.js';
import type { EvaluationInput, InstanceState } from './InstanceState.js';
import { initialInstanceState } from './InstanceState.js';
import { nextInstanceState } from './nextInstanceState.js';
import { renderTemplate } from './renderTemplate.js';
import type { SourceResult } from './runRuleSource.js';

/** A stored instance as the evaluation reads it. */
export interface KnownInstance {
  labels: Record<string, string>;
  state: InstanceState;
}

/** One instance after an evaluation. `labels` are the notification labels (with alertname and severity). */
export interface InstanceUpdate {
  fingerprint: string;
  /** The instance's own labels (source labels), the part its fingerprint covers. */
  seriesLabels: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  input: EvaluationInput;
  prev: InstanceState;
  next: InstanceState;
  /** New to the store (no row yet). */
  isNew: boolean;
}

const DEFAULT_ANNOTATIONS = {
  summary: '{{labels.alertname}}',
  description: '{{labels.alertname}} is {{value}} ({{severity}})',
};

/**
 * Applies one evaluation's result to every instance of a rule. A query error reaches every known
 * instance (or a rule-level one) as `error`; an empty result as `nodata`; with rows, series that are
 * missing count as `absent` (condition false). Instances new and inactive are not kept. Pure.
 */
export function evaluateRule(
  rule: AlertRule,
  known: ReadonlyMap<string, KnownInstance>,
  result: SourceResult,
  now: number,
): InstanceUpdate[] {
  const inputs = new Map<
    string,
    { series: Record<string, string>; input: EvaluationInput; details: Record<string, unknown> }
  >();
  const everyKnown = (input: EvaluationInput) => {
    for (const [fp, k] of known) inputs.set(fp, { series: k.labels, input, details: {} });
    if (known.size === 0) inputs.set(alertFingerprint(rule.name, {}), { series: {}, input, details: {} });
  };
  if (!result.ok) everyKnown({ kind: 'error', message: result.error });
  else if (result.samples.length === 0) everyKnown({ kind: 'nodata' });
  else {
    for (const s of result.samples) {
      const fp = alertFingerprint(rule.name, s.labels);
      if (!inputs.has(fp))
        inputs.set(fp, { series: s.labels, input: { kind: 'value', value: s.value }, details: s.details });
    }
    for (const [fp, k] of known) {
      if (!inputs.has(fp)) inputs.set(fp, { series: k.labels, input: { kind: 'absent' }, details: {} });
    }
  }
  const updates: InstanceUpdate[] = [];
  for (const [fingerprint, { series, input, details }] of inputs) {
    const prev = known.get(fingerprint)?.state ?? initialInstanceState;
    const next = nextInstanceState(prev, input, rule, now);
    const isNew = !known.has(fingerprint);
    if (isNew && next.state === 'inactive') continue;
    // Rule labels are templates too (as in Prometheus), over the instance's own labels.
    const own = {
      value: next.value,
      severity: next.severity,
      labels: series,
      details: details as Record<string, number>,
    };
    const ruleLabels = Object.entries(rule.labels).map(([k, t]) => [k, renderTemplate(t, own)]);
    const labels: Record<string, string> = {
      ...series,
      ...Object.fromEntries(ruleLabels),
      alertname: rule.name,
    };
    if (next.severity) labels.severity = next.severity;
    const data = { ...own, labels };
    const templates = { ...DEFAULT_ANNOTATIONS, ...rule.annotations };
    const annotations = Object.fromEntries(
      Object.entries(templates).map(([k, t]) => [k, renderTemplate(t, data)]),
    );
    updates.push({ fingerprint, seriesLabels: series, labels, annotations, input, prev, next, isNew });
  }
  return updates;
}
