import type { Notification } from './Notifier.js';

/**
 * The body of Alertmanager's `POST /api/v2/alerts` for `notification`. Alertmanager resolves an alert
 * by itself at `endsAt`, so a firing alert gets `endsAt = now + ttlMs` (longer than the repeat interval,
 * when pgtel sends it again) and a resolved one its resolve time. Alertmanager keeps only labels,
 * annotations and `generatorURL`, so the links travel there: `generatorURL` is the alert's dashboard
 * page (else `generatorURL` given), annotations `trace_ids` and `workflow_ids` list the linked ids.
 */
export function alertmanagerApiAlerts(
  notification: Notification,
  now: number,
  ttlMs: number,
  generatorURL: string,
): Record<string, unknown>[] {
  return notification.alerts.map((a) => {
    const url = a.links?.alert || generatorURL;
    const annotations = { ...a.annotations };
    const traces = a.links?.traces.map((t) => t.traceId) ?? [];
    const workflows = a.links?.workflows.map((w) => w.workflowId) ?? [];
    if (traces.length > 0) annotations.trace_ids = traces.join(',');
    if (workflows.length > 0) annotations.workflow_ids = workflows.join(',');
    return {
      labels: a.labels,
      annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? new Date(now + ttlMs).toISOString(),
      ...(url ? { generatorURL: url } : {}),
    };
  });
}
