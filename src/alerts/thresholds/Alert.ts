import type { Severity } from '../Severity.js';

/** The alert types of the threshold checks. */
export const ALERT_TYPES = [
  'integration_failure',
  'performance_degradation',
  'data_quality',
  'resource_exhaustion',
] as const;

/** The kind of a threshold alert: one of `ALERT_TYPES`. */
export type AlertType = (typeof ALERT_TYPES)[number];

/** One alert as the threshold checks produce it and `deliverAlert` stores it in the `alerts` table. */
export interface Alert {
  /** One of ALERT_TYPES for the threshold checks; rules may use their own type name. */
  alertType: string;
  severity: Severity;
  title: string;
  message: string;
  metadata: Record<string, unknown>;
}

/** An alert as stored in the `alerts` table. */
export interface StoredAlert extends Alert {
  id: number;
  triggeredAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  fingerprint: string | null;
  /** The alert rule that raised it; null for the threshold checks. */
  ruleName: string | null;
  /** When its episode ended (the check passed, an explicit resolve, or the rule cleared); null while open. */
  resolvedAt: Date | null;
}
