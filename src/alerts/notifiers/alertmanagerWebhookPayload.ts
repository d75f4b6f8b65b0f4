import { alertmanagerAlerts } from './alertmanagerAlerts.js';
import { compareAlertLabels, labelSetFingerprint, labelSetString } from './alertmanagerLabelSet.js';
import { commonLabels } from './commonLabels.js';
import type { Notification } from './Notifier.js';
import { prometheusLabels } from './prometheusLabels.js';

/** Alertmanager's "zero time", the endsAt of alerts still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** An ISO time as Go prints it (RFC 3339 with trailing zeros of the fraction cut). */
function goTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * The body Alertmanager's webhook receiver gets (version 4) for the same alerts, field by field, so
 * existing receivers work unchanged: labels under Prometheus names, alerts in Alertmanager's order,
 * its `groupKey` (`{}:{alertname="…"}`, the root route's key and the group labels), its fingerprint,
 * common labels and annotations over the listed alerts, `truncatedAlerts` 0 (all are listed). Each
 * alert also carries pgtel's `alertId` and `links` (dashboard URLs of the alert, its traces and
 * workflows); `generatorURL` is the alert's dashboard page, else `externalURL`. Pure.
 */
export function alertmanagerWebhookPayload(
  notification: Notification,
  receiver: string,
  externalURL: string,
): Record<string, unknown> {
  const alerts = alertmanagerAlerts(notification, externalURL).sort((a, b) =>
    compareAlertLabels(a.labels, b.labels),
  );
  const groupLabels = prometheusLabels(notification.groupLabels);
  return {
    receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: goTime(a.startsAt),
      endsAt: a.status === 'firing' || a.endsAt === null ? ZERO_TIME : goTime(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: labelSetFingerprint(a.labels),
      alertId: a.alertId,
      links: a.links,
    })),
    groupLabels,
    commonLabels: commonLabels(alerts.map((a) => a.labels)),
    commonAnnotations: commonLabels(alerts.map((a) => a.annotations)),
    externalURL,
    version: '4',
    groupKey: `{}:${labelSetString(groupLabels)}`,
    truncatedAlerts: 0,
  };
}
