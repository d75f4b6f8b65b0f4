import type { DatabaseSession } from '../db/Database.js';

/** One alert episode (`alerts.id`) as the links show it. */
export interface AlertSummary {
  alertId: number;
  /** NULL for alerts not raised by a rule (the threshold checks). */
  ruleName: string | null;
  fingerprint: string | null;
  severity: 'critical' | 'warning' | 'info';
  title: string;
  triggeredAt: Date;
  /** NULL while the alert fires. */
  resolvedAt: Date | null;
}

/** An alert linked to a trace or workflow; `via` says whether the link names the workflow or one of its traces. */
export interface LinkedAlert extends AlertSummary {
  via: 'trace' | 'workflow';
}

/** Alerts shown per trace or workflow: the newest ones. */
export const MAX_LINKED_ALERTS = 100;

/** The columns of `alerts` (aliased `a`) that {@link toAlertSummary} reads. */
export const ALERT_SUMMARY_COLUMNS =
  'a.id AS alert_id, a.rule_name, a.fingerprint, a.severity, a.title, a.triggered_at, a.resolved_at';

export interface AlertSummaryRow {
  alert_id: number;
  rule_name: string | null;
  fingerprint: string | null;
  severity: AlertSummary['severity'];
  title: string;
  triggered_at: Date;
  resolved_at: Date | null;
}

export function toAlertSummary(row: AlertSummaryRow): AlertSummary {
  return {
    alertId: Number(row.alert_id),
    ruleName: row.rule_name,
    fingerprint: row.fingerprint,
    severity: row.severity,
    title: row.title,
    triggeredAt: row.triggered_at,
    resolvedAt: row.resolved_at,
  };
}

/** Reads linked alerts from `sql`, whose rows carry {@link ALERT_SUMMARY_COLUMNS} and `via`. */
export async function readLinkedAlerts(
  db: DatabaseSession,
  sql: string,
  params: readonly unknown[],
): Promise<LinkedAlert[]> {
  const { rows } = await db.query<AlertSummaryRow & { via: LinkedAlert['via'] }>(sql, params);
  return rows.map((row) => ({ ...toAlertSummary(row), via: row.via }));
}
