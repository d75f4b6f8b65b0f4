import type { Database } from '../../db/Database.js';
import type { Alert, AlertType } from './Alert.js';
import { AlertThresholdChecker, type AlertThresholdCheckerOptions } from './AlertThresholdChecker.js';
import { type DeliverAlertOptions, type DeliveryResult, deliverAlert } from './deliverAlert.js';
import { resolveThresholdAlert } from './resolveThresholdAlert.js';
import { thresholdTitle } from './thresholdAlerts.js';

/** Current values for the four threshold checks; every part optional. */
export interface ThresholdValues {
  /** Metric name -> current value, compared with its 7-day median. */
  performance?: Record<string, number>;
  integrationFailures?: readonly { component: string; error: string; errorCount?: number }[];
  /** Check name -> issue count. */
  dataQuality?: Record<string, number>;
  /** Resource name -> usage percent. */
  resources?: Record<string, number>;
}

export interface CheckAllOptions extends AlertThresholdCheckerOptions {
  /** Deliver every alert found with these options (default: only return them). */
  deliver?: DeliverAlertOptions;
}

/**
 * Runs all four threshold checks over `values`; returns the alerts found and, with `deliver`, their
 * deliveries, and resolves the open alerts of the checks that passed (their titles in `resolved`).
 */
export async function checkAllThresholds(
  db: Database,
  values: ThresholdValues,
  options: CheckAllOptions = {},
): Promise<{ alerts: Alert[]; deliveries: DeliveryResult[]; resolved: string[] }> {
  const checker = new AlertThresholdChecker(db, options);
  const found: (Alert | null)[] = [];
  const passed: Pick<Alert, 'alertType' | 'title'>[] = [];
  const record = (alert: Alert | null, alertType: AlertType, subject: string) => {
    found.push(alert);
    if (!alert) passed.push({ alertType, title: thresholdTitle(alertType, subject) });
  };
  for (const [metric, current] of Object.entries(values.performance ?? {}))
    record(await checker.checkPerformanceDegradation(metric, current), 'performance_degradation', metric);
  for (const f of values.integrationFailures ?? [])
    found.push(checker.checkIntegrationFailure(f.component, f.error, f.errorCount));
  for (const [check, count] of Object.entries(values.dataQuality ?? {}))
    record(checker.checkDataQuality(check, count), 'data_quality', check);
  for (const [resource, usage] of Object.entries(values.resources ?? {}))
    record(checker.checkResourceExhaustion(resource, usage), 'resource_exhaustion', resource);
  const alerts = found.filter((a): a is Alert => a !== null);
  const deliveries: DeliveryResult[] = [];
  const resolved: string[] = [];
  if (options.deliver) {
    const deliver = { clock: options.clock, ...options.deliver };
    for (const alert of alerts) deliveries.push(await deliverAlert(db, alert, deliver));
    for (const alert of passed)
      if (await resolveThresholdAlert(db, alert, deliver)) resolved.push(alert.title);
  }
  return { alerts, deliveries, resolved };
}
