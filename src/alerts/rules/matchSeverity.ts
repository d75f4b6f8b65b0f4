import { type Severity, severityRank } from '../Severity.js';
import type { AlertRule, Comparison, RuleLevel } from './AlertRule.js';

export function compare(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/**
 * The most severe level `value` reaches, or null. A level without threshold (a PromQL rule whose
 * expression selects what alerts) holds for any value, NaN included. Hysteresis: while an alert is active at `active`,
 * that level and the milder ones hold until the value passes their `resolveThreshold`, so a value
 * hovering around a threshold does not flip the alert on and off.
 */
export function matchSeverity(
  rule: Pick<AlertRule, 'levels' | 'comparison'>,
  value: number,
  active: Severity | null,
): RuleLevel | null {
  const levels = [...rule.levels].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  for (const level of levels) {
    if (level.threshold === undefined) return level;
    if (Number.isNaN(value)) continue;
    if (compare(rule.comparison, value, level.threshold)) return level;
    const holds =
      active !== null &&
      severityRank(level.severity) <= severityRank(active) &&
      compare(rule.comparison, value, level.resolveThreshold ?? level.threshold);
    if (holds) return level;
  }
  return null;
}
