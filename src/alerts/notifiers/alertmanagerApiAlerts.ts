import { alertmanagerAlerts } from './alertmanagerAlerts.js';
import type { Notification } from './Notifier.js';

/**
 * The body of Alertmanager's `POST /api/v2/alerts` for `notification` (see `alertmanagerAlerts`).
 * Alertmanager resolves an alert by itself at `endsAt`, so, as Prometheus does, a firing alert gets
 * `endsAt = now + ttlMs` (a few re-send periods: pgtel re-sends it before then while it fires, and a
 * stopped pgtel lets it expire); a resolved one its resolve time, a test alert its own end. Pure.
 */
export function alertmanagerApiAlerts(
  notification: Notification,
  now: number,
  ttlMs: number,
  generatorURL: string,
): Record<string, unknown>[] {
  return alertmanagerAlerts(notification, generatorURL).map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? new Date(now + ttlMs).toISOString(),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
  }));
}
