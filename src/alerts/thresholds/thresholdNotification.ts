import { createHash } from 'node:crypto';
import type { Notification } from '../notifiers/Notifier.js';
import { notificationLinks } from '../notifiers/notificationLinks.js';
import type { Alert } from './Alert.js';

/** Same type and title: the same alert repeated, deduplicated by the cooldown. */
export function thresholdFingerprint(alert: Pick<Alert, 'alertType' | 'title'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['threshold', alert.alertType, alert.title]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * How long Alertmanager keeps a threshold-check alert active: such an alert has no resolve and is not
 * re-sent, and a check still failing notifies again after the 4 h cooldown, so 5 h.
 */
export const THRESHOLD_ALERT_TTL_MS = 5 * 3_600_000;

/**
 * A one-alert notification for a threshold-check alert (ending by itself after THRESHOLD_ALERT_TTL_MS); with `row` (its stored `alerts` row and the
 * dashboard's base URL) it links to the alert's dashboard page.
 */
export function thresholdNotification(
  alert: Alert,
  fingerprint: string,
  at: number,
  row?: { alertId: number; publicUrl: string },
): Notification {
  const labels = { alertname: alert.title, alert_type: alert.alertType, severity: alert.severity };
  const annotations = { summary: alert.title, description: alert.message };
  const time = new Date(at).toISOString();
  return {
    groupKey: fingerprint,
    status: 'firing',
    groupLabels: { alertname: alert.title },
    commonLabels: labels,
    commonAnnotations: annotations,
    alerts: [
      {
        alertId: row?.alertId ?? null,
        links: row
          ? notificationLinks(row.publicUrl, row.alertId, { traces: [], workflows: [] })
          : { alert: null, traces: [], workflows: [] },
        fingerprint,
        status: 'firing',
        severity: alert.severity,
        labels,
        annotations,
        startsAt: time,
        endsAt: new Date(at + THRESHOLD_ALERT_TTL_MS).toISOString(),
        value: null,
      },
    ],
    createdAt: time,
  };
}
