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
 * How long Alertmanager keeps a firing threshold-check alert active: such an alert is not re-sent, and
 * a check still failing notifies again after the 4 h cooldown, so 5 h; its resolve ends it sooner.
 */
export const THRESHOLD_ALERT_TTL_MS = 5 * 3_600_000;

/**
 * A one-alert notification for a threshold-check alert; with `row` (its stored `alerts` row and the
 * dashboard's base URL) it links to the alert's dashboard page. With `row.firingSince` it says the
 * alert resolved at `at` (the episode having started then).
 */
export function thresholdNotification(
  alert: Alert,
  fingerprint: string,
  at: number,
  row?: { alertId: number; publicUrl: string; firingSince?: number },
): Notification {
  const labels = { alertname: alert.title, alert_type: alert.alertType, severity: alert.severity };
  const annotations = { summary: alert.title, description: alert.message };
  const time = new Date(at).toISOString();
  const status = row?.firingSince === undefined ? 'firing' : 'resolved';
  return {
    groupKey: fingerprint,
    status,
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
        status,
        severity: alert.severity,
        labels,
        annotations,
        startsAt: row?.firingSince === undefined ? time : new Date(row.firingSince).toISOString(),
        endsAt: status === 'resolved' ? time : new Date(at + THRESHOLD_ALERT_TTL_MS).toISOString(),
        value: null,
      },
    ],
    createdAt: time,
  };
}
