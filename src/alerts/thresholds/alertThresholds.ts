import { ValidationError } from '../../errors.js';

/** The thresholds of the four threshold checks; every one configurable. */
export interface AlertThresholds {
  /** Degradation fires when current > multiplier x baseline (default 2.0). */
  degradationMultiplier: number;
  /** Per-metric multipliers overriding `degradationMultiplier` (default: task/search/refresh durations 2.0). */
  degradationMultipliers: Record<string, number>;
  /** Hours of history whose median is the baseline (default 168 = 7 days). */
  baselineHours: number;
  /** Integration failure is critical when the error count is above this (default 3). */
  integrationCriticalErrorCount: number;
  /** Data quality is critical when the issue count is above this (default 10). */
  dataQualityCriticalCount: number;
  /** Resource exhaustion fires at usage >= this percentage (default 90). */
  resourceThresholdPercent: number;
  /** Per-resource thresholds (default: quota_usage 90, database_connections 80, memory_usage 85). */
  resourceThresholds: Record<string, number>;
  /** Resource exhaustion is critical at usage >= this percentage (default 95). */
  resourceCriticalPercent: number;
}

/** The thresholds `AlertThresholdChecker` uses where its options set none. */
export const defaultAlertThresholds: AlertThresholds = {
  degradationMultiplier: 2.0,
  degradationMultipliers: { task_duration: 2.0, search_duration: 2.0, refresh_duration: 2.0 },
  baselineHours: 168,
  integrationCriticalErrorCount: 3,
  dataQualityCriticalCount: 10,
  resourceThresholdPercent: 90,
  resourceThresholds: { quota_usage: 90, database_connections: 80, memory_usage: 85 },
  resourceCriticalPercent: 95,
};

function finite(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new ValidationError(`Alert threshold ${name} must be a number >= ${min} (got ${String(value)}).`);
  }
}

/** Defaults overlaid with `overrides` (maps merged key by key), validated. */
export function resolveAlertThresholds(overrides: Partial<AlertThresholds> = {}): AlertThresholds {
  const t: AlertThresholds = {
    ...defaultAlertThresholds,
    ...overrides,
    degradationMultipliers: {
      ...defaultAlertThresholds.degradationMultipliers,
      ...overrides.degradationMultipliers,
    },
    resourceThresholds: { ...defaultAlertThresholds.resourceThresholds, ...overrides.resourceThresholds },
  };
  finite('degradationMultiplier', t.degradationMultiplier, 0);
  finite('baselineHours', t.baselineHours, 0);
  finite('integrationCriticalErrorCount', t.integrationCriticalErrorCount, 0);
  finite('dataQualityCriticalCount', t.dataQualityCriticalCount, 0);
  finite('resourceThresholdPercent', t.resourceThresholdPercent, 0);
  finite('resourceCriticalPercent', t.resourceCriticalPercent, 0);
  for (const [k, v] of Object.entries(t.degradationMultipliers)) finite(`degradationMultipliers.${k}`, v, 0);
  for (const [k, v] of Object.entries(t.resourceThresholds)) finite(`resourceThresholds.${k}`, v, 0);
  return t;
}
