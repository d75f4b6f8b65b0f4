import type { Notification } from './Notifier.js';

/** Alertmanager's "zero time", used as endsAt of alerts still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The Alertmanager webhook body (version 4) for `notification`, so existing receivers work unchanged. */
export function alertmanagerWebhookPayload(
  notification: Notification,
  receiver: string,
  externalURL: string,
): Record<string, unknown> {
  return {
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: 0,
    status: notification.status,
    receiver,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL,
    alerts: notification.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? ZERO_TIME,
      generatorURL: externalURL,
      fingerprint: a.fingerprint,
    })),
  };
}
