import type { NotificationLinks } from './Notifier.js';

/** What an alert links to, as stored in `alert_links` (ids only, no URLs). */
export interface LinkedIds {
  traces: readonly string[];
  workflows: readonly { workflowId: string; correlationId: string | null }[];
}

/** A URL, or how to get it once known (`pgtel serve`'s own URL is known once it listens). */
export type UrlSource = string | (() => string);

/** The URL of `source` now; '' when there is none. */
export function urlOf(source: UrlSource | undefined): string {
  return typeof source === 'function' ? source() : (source ?? '');
}

/** `publicUrl` when none is configured: `pgtel serve` on its default port. */
export const DEFAULT_PUBLIC_URL = 'http://localhost:4318';

/**
 * The dashboard URLs of one alert (hash routes of the dashboard served at `publicUrl`): the alert
 * itself when it has a row, its linked traces and workflows, and its metric. Pure.
 */
export function notificationLinks(
  publicUrl: string,
  alertId: number | null,
  ids: LinkedIds,
  metric?: string,
): NotificationLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const path = (route: string, id: string) => `${base}/#/${route}/${encodeURIComponent(id)}`;
  return {
    alert: alertId === null ? null : path('alerts', String(alertId)),
    traces: ids.traces.map((traceId) => ({ traceId, url: path('traces', traceId) })),
    workflows: ids.workflows.map((w) => ({ ...w, url: path('workflows', w.workflowId) })),
    ...(metric === undefined ? {} : { metric: `${base}/#/metrics?name=${encodeURIComponent(metric)}` }),
  };
}
