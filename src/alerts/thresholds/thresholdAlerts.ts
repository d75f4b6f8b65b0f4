import type { Severity } from '../Severity.js';
import type { Alert, AlertType } from './Alert.js';
import type { AlertThresholds } from './alertThresholds.js';
import { formatFixed } from './formatFixed.js';

// The four threshold alerts as pure functions: titles, messages and severities.

const TITLES: Record<AlertType, string> = {
  performance_degradation: 'Performance Degradation',
  integration_failure: 'Integration Failure',
  data_quality: 'Data Quality',
  resource_exhaustion: 'Resource Exhaustion',
};

/**
 * The title of a threshold alert about `subject` (a metric, component, check or resource), e.g.
 * `Data Quality: invalid_rows`: with the type, what names the alert to deliver or to resolve.
 */
export function thresholdTitle(alertType: AlertType, subject: string): string {
  return `${TITLES[alertType]}: ${subject}`;
}

/** Degradation when current > multiplier x baseline; no alert without a positive baseline. */
export function performanceDegradationAlert(
  metric: string,
  current: number,
  baseline: number | null,
  t: AlertThresholds,
): Alert | null {
  if (baseline === null || baseline === 0 || !Number.isFinite(baseline) || !Number.isFinite(current)) {
    return null;
  }
  const multiplier = t.degradationMultipliers[metric] ?? t.degradationMultiplier;
  if (current <= multiplier * baseline) return null;
  const pct = formatFixed(((current - baseline) / baseline) * 100, 0);
  return {
    alertType: 'performance_degradation',
    severity: 'warning',
    title: thresholdTitle('performance_degradation', metric),
    message: `${metric}: ${formatFixed(current, 2)} (baseline: ${formatFixed(baseline, 2)}, +${pct}%)`,
    metadata: { metric, current_value: current, baseline, multiplier },
  };
}

/** Always an alert: critical above the error-count threshold, else warning. */
export function integrationFailureAlert(
  component: string,
  error: string,
  errorCount: number,
  t: AlertThresholds,
): Alert {
  const severity: Severity = errorCount > t.integrationCriticalErrorCount ? 'critical' : 'warning';
  return {
    alertType: 'integration_failure',
    severity,
    title: thresholdTitle('integration_failure', component),
    message: `${component} failed: ${error}`,
    metadata: { component, error, error_count: errorCount },
  };
}

/** An alert when issues > 0: critical above the critical count, else warning. */
export function dataQualityAlert(
  check: string,
  issueCount: number,
  details: Record<string, unknown> | undefined,
  t: AlertThresholds,
): Alert | null {
  if (!(issueCount > 0)) return null;
  return {
    alertType: 'data_quality',
    severity: issueCount > t.dataQualityCriticalCount ? 'critical' : 'warning',
    title: thresholdTitle('data_quality', check),
    message: `Found ${issueCount} ${check} issues`,
    metadata: { check, issue_count: issueCount, ...(details ? { details } : {}) },
  };
}

/** An alert when usage >= threshold (per resource, else the default): critical at the critical level. */
export function resourceExhaustionAlert(
  resource: string,
  usagePercent: number,
  threshold: number | undefined,
  t: AlertThresholds,
): Alert | null {
  const limit = threshold ?? t.resourceThresholds[resource] ?? t.resourceThresholdPercent;
  if (!(usagePercent >= limit)) return null;
  return {
    alertType: 'resource_exhaustion',
    severity: usagePercent >= t.resourceCriticalPercent ? 'critical' : 'warning',
    title: thresholdTitle('resource_exhaustion', resource),
    message: `${resource} at ${formatFixed(usagePercent, 1)}% (threshold: ${formatFixed(limit, 0)}%)`,
    metadata: { resource, usage_percent: usagePercent, threshold: limit },
  };
}
