import type { Notification } from './Notifier.js';

/** Alertmanager's "zero time", used as endsAt of alerts still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The Alertmanager webhook body (version 4) for `notification`, so existing receivers work unchanged.
 * Each alert also carries pgtel's `alertId` and `links` (dashboard URLs of the alert and of the traces
 * and workflows it involved); its `generatorURL` is the alert's dashboard page when it has one.
 */
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
      generatorURL: a.links?.alert || externalURL,
      fingerprint: a.fingerprint,
      alertId: a.alertId ?? null,
      links: a.links ?? null,
    })),
  };
}
