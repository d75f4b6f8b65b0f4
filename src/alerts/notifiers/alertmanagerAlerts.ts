import type { Notification, NotificationAlert } from './Notifier.js';
import { prometheusLabels } from './prometheusLabels.js';

/** One alert as Alertmanager knows it: what pgtel pushes to it and what its webhook lists. */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  /** Under Prometheus label names (`prometheusLabels`). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** The resolve time; while firing null, or when the alert resolves by itself. */
  endsAt: string | null;
  /** The alert's dashboard page, else the fallback given; may be empty. */
  generatorURL: string;
  /** pgtel's own fields, carried for the webhook. */
  alertId: number | null;
  links: NotificationAlert['links'] | null;
}

/**
 * The alerts of `notification` as Alertmanager sees them. Labels get Prometheus names. Alertmanager
 * keeps only labels, annotations and `generatorURL`, so pgtel's links travel there: `generatorURL` is
 * the alert's dashboard page (else `fallbackURL`), annotations `trace_ids` and `workflow_ids` list the
 * linked ids. A firing alert whose labels changed (`supersededLabels`) also yields the resolve of its
 * former label set, which is a different alert to Alertmanager. Pure.
 */
export function alertmanagerAlerts(notification: Notification, fallbackURL: string): AlertmanagerAlert[] {
  return notification.alerts.flatMap((a) => {
    const annotations = { ...a.annotations };
    const traces = a.links?.traces.map((t) => t.traceId) ?? [];
    const workflows = a.links?.workflows.map((w) => w.workflowId) ?? [];
    if (traces.length > 0) annotations.trace_ids = traces.join(',');
    if (workflows.length > 0) annotations.workflow_ids = workflows.join(',');
    const alert: AlertmanagerAlert = {
      status: a.status,
      labels: prometheusLabels(a.labels),
      annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      generatorURL: a.links?.alert || fallbackURL,
      alertId: a.alertId ?? null,
      links: a.links ?? null,
    };
    if (a.status !== 'firing' || !a.supersededLabels) return [alert];
    const former = { ...alert, status: 'resolved' as const, endsAt: notification.createdAt };
    return [{ ...former, labels: prometheusLabels(a.supersededLabels) }, alert];
  });
}
