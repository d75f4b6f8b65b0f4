import { type Clock, systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import { ValidationError } from '../../errors.js';
import type { Alert } from './Alert.js';
import { type AlertThresholds, resolveAlertThresholds } from './alertThresholds.js';
import {
  dataQualityAlert,
  integrationFailureAlert,
  performanceDegradationAlert,
  resourceExhaustionAlert,
} from './thresholdAlerts.js';

/** Options of `AlertThresholdChecker`. */
export interface AlertThresholdCheckerOptions {
  /** Overrides of the default thresholds. */
  thresholds?: Partial<AlertThresholds>;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

function requireName(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${what} must be a non-empty string (got ${JSON.stringify(value)}).`);
  }
}

function requireNumber(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`${what} must be a finite number (got ${String(value)}).`);
  }
}

/**
 * The four threshold checks (performance, integrations, data quality, resources). Each returns the alert to deliver, or null when nothing is wrong.
 * Only the degradation check reads the database (the baseline median of stored metrics).
 */
export class AlertThresholdChecker {
  readonly thresholds: AlertThresholds;
  private readonly db: DatabaseSession;
  private readonly clock: Clock;

  constructor(db: DatabaseSession, options: AlertThresholdCheckerOptions = {}) {
    this.db = db;
    this.thresholds = resolveAlertThresholds(options.thresholds);
    this.clock = options.clock ?? systemClock;
  }

  /** Median of `metric` over the last `baselineHours` (default 7 days), or null without data. */
  async baseline(metric: string, labels: Record<string, string> = {}): Promise<number | null> {
    const to = this.clock.now();
    const from = to - this.thresholds.baselineHours * 3_600_000;
    // metric_percentile merges sketches (and is exact on raw rows): the median of the observations,
    // not of the per-interval means that aggregated rows carry in metric_value.
    const result = await this.db.query<{ median: number | null }>(
      `SELECT ${this.db.table('metric_percentile')}($1, 0.5, $2, $3, $4::jsonb) AS median`,
      [metric, new Date(from), new Date(to + 1), toJsonText(labels)],
    );
    return result.rows[0]?.median ?? null;
  }

  /** Warning when `current` > multiplier (default 2.0) x the 7-day median; null without a baseline. */
  async checkPerformanceDegradation(
    metric: string,
    current: number,
    labels: Record<string, string> = {},
  ): Promise<Alert | null> {
    requireName('metric name', metric);
    requireNumber('current value', current);
    return performanceDegradationAlert(metric, current, await this.baseline(metric, labels), this.thresholds);
  }

  /** Always an alert; critical when `errorCount` (default 1) > 3. */
  checkIntegrationFailure(component: string, error: string, errorCount = 1): Alert {
    requireName('component', component);
    requireNumber('error count', errorCount);
    return integrationFailureAlert(component, String(error), errorCount, this.thresholds);
  }

  /** Alert when `issueCount` > 0; critical when > 10. */
  checkDataQuality(check: string, issueCount: number, details?: Record<string, unknown>): Alert | null {
    requireName('check name', check);
    requireNumber('issue count', issueCount);
    return dataQualityAlert(check, issueCount, details, this.thresholds);
  }

  /** Alert when `usagePercent` >= threshold (default 90, or the resource's own); critical at >= 95. */
  checkResourceExhaustion(resource: string, usagePercent: number, threshold?: number): Alert | null {
    requireName('resource', resource);
    requireNumber('usage percent', usagePercent);
    if (threshold !== undefined) requireNumber('threshold', threshold);
    return resourceExhaustionAlert(resource, usagePercent, threshold, this.thresholds);
  }
}
