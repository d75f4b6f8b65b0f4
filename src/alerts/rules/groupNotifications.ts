import { commonLabels } from '../notifiers/commonLabels.js';
import type { Notification, NotificationAlert } from '../notifiers/Notifier.js';

/** An alert that notifies now, with the labels its rule groups by. */
export interface PendingAlert {
  groupBy: readonly string[];
  alert: NotificationAlert;
}

/**
 * Alerts that notify at the same evaluation and share the values of their group-by labels become one
 * notification (Alertmanager's grouping), in first-seen order. As in Alertmanager, a group-by label an
 * alert lacks is left out of its group labels. Pure.
 */
export function groupNotifications(pending: readonly PendingAlert[], now: number): Notification[] {
  const groups = new Map<string, { labels: Record<string, string>; alerts: NotificationAlert[] }>();
  for (const { groupBy, alert } of pending) {
    const names = [...groupBy].sort();
    const labels = Object.fromEntries(
      names.flatMap((n) => (n in alert.labels ? [[n, alert.labels[n]!]] : [])),
    );
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, alerts: [] };
    group.alerts.push(alert);
    groups.set(key, group);
  }
  const createdAt = new Date(now).toISOString();
  return [...groups].map(([key, g]) => ({
    groupKey: key,
    status: g.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    groupLabels: g.labels,
    commonLabels: commonLabels(g.alerts.map((a) => a.labels)),
    commonAnnotations: commonLabels(g.alerts.map((a) => a.annotations)),
    alerts: g.alerts,
    createdAt,
  }));
}
