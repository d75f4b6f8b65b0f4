import type { Notification } from './Notifier.js';

/**
 * The body of Alertmanager's `POST /api/v2/alerts` for `notification`. Alertmanager resolves an alert
 * by itself at `endsAt`, so a firing alert gets `endsAt = now + ttlMs` (longer than the repeat interval,
 * when pgtel sends it again) and a resolved one its resolve time.
 */
export function alertmanagerApiAlerts(
  notification: Notification,
  now: number,
  ttlMs: number,
  generatorURL: string,
): Record<string, unknown>[] {
  return notification.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? new Date(now + ttlMs).toISOString(),
    ...(generatorURL ? { generatorURL } : {}),
  }));
}
