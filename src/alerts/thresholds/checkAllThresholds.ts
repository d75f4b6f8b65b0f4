import type { Database } from '../../db/Database.js';
import type { Alert } from './Alert.js';
import { AlertThresholdChecker, type AlertThresholdCheckerOptions } from './AlertThresholdChecker.js';
import { type DeliverAlertOptions, type DeliveryResult, deliverAlert } from './deliverAlert.js';

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

/** Runs all four threshold checks over `values`; returns the alerts found and, if asked, their deliveries. */
export async function checkAllThresholds(
  db: Database,
  values: ThresholdValues,
  options: CheckAllOptions = {},
): Promise<{ alerts: Alert[]; deliveries: DeliveryResult[] }> {
  const checker = new AlertThresholdChecker(db, options);
  const found: (Alert | null)[] = [];
  for (const [metric, current] of Object.entries(values.performance ?? {})) {
    found.push(await checker.checkPerformanceDegradation(metric, current));
  }
  for (const f of values.integrationFailures ?? []) {
    found.push(checker.checkIntegrationFailure(f.component, f.error, f.errorCount));
  }
  for (const [check, count] of Object.entries(values.dataQuality ?? {})) {
    found.push(checker.checkDataQuality(check, count));
  }
  for (const [resource, usage] of Object.entries(values.resources ?? {})) {
    found.push(checker.checkResourceExhaustion(resource, usage));
  }
  const alerts = found.filter((a): a is Alert => a !== null);
  const deliveries: DeliveryResult[] = [];
  if (options.deliver) {
    for (const alert of alerts)
      deliveries.push(await deliverAlert(db, alert, { clock: options.clock, ...options.deliver }));
  }
  return { alerts, deliveries };
}
