import type { Notification } from './Notifier.js';

const PROMETHEUS_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Labels under names Alertmanager accepts: it refuses a whole alert with a name outside
 * `[a-zA-Z_][a-zA-Z0-9_]*` (0.25 does), so `service.name` is sent as `service_name`, as OpenTelemetry's
 * Prometheus translation names it. A name that is valid already wins over a translated one. Pure.
 */
export function prometheusLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (PROMETHEUS_NAME.test(k)) out[k] = v;
  for (const [k, v] of Object.entries(labels)) {
    if (PROMETHEUS_NAME.test(k)) continue;
    const name = k.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
    if (!(name in out)) out[name] = v;
  }
  return out;
}

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
      labels: prometheusLabels(a.labels),
      annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? new Date(now + ttlMs).toISOString(),
      ...(url ? { generatorURL: url } : {}),
    };
  });
}
