import { createHash } from 'node:crypto';
import type { Notification } from '../notifiers/Notifier.js';
import type { Alert } from './Alert.js';

/** Same type and title: the same alert repeated, deduplicated by the cooldown. */
export function seedFingerprint(alert: Pick<Alert, 'alertType' | 'title'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['seed', alert.alertType, alert.title]))
    .digest('hex')
    .slice(0, 16);
}

/** A one-alert notification for a seed-style alert. */
export function seedNotification(alert: Alert, fingerprint: string, at: number): Notification {
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
        fingerprint,
        status: 'firing',
        severity: alert.severity,
        labels,
        annotations,
        startsAt: time,
        endsAt: null,
        value: null,
      },
    ],
    createdAt: time,
  };
}
