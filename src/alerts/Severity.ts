import { ValidationError } from '../errors.js';

/** Alert severities, most severe first. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** The severity of an alert: one of `SEVERITIES`. */
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe: critical 3, warning 2, info 1. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function assertSeverity(value: unknown, what = 'severity'): asserts value is Severity {
  if (!SEVERITIES.includes(value as Severity)) {
    throw new ValidationError(
      `${what} must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(value)}).`,
    );
  }
}
