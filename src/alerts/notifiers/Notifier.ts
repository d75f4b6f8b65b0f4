import type { Severity } from '../Severity.js';

/** Dashboard URLs of an alert and of the traces and workflows its evaluation involved. */
export interface NotificationLinks {
  /** `<publicUrl>/#/alerts/<alertId>`; null when the alert has no stored row (a test alert, or one sent while the database was unreachable). */
  alert: string | null;
  /** Traces behind the alert's value (`<publicUrl>/#/traces/<traceId>`), at most 5, highest value first. */
  traces: { traceId: string; url: string }[];
  /** Workflows a SQL rule named (`<publicUrl>/#/workflows/<workflowId>`), at most 5. */
  workflows: { workflowId: string; correlationId: string | null; url: string }[];
  /** `<publicUrl>/#/metrics?name=<metric>` for rules over a metric. */
  metric?: string;
}

/** One alert inside a notification, in Alertmanager's vocabulary. */
export interface NotificationAlert {
  /** The `alerts` row of the firing episode; null when there is none (see `links.alert`). */
  alertId: number | null;
  /** Where to look at it. Notifications queued by an older pgtel lack it, so notifiers read it optionally. */
  links: NotificationLinks;
  fingerprint: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  /** Includes `alertname` and `severity`. */
  labels: Record<string, string>;
  /** `summary` and `description` at least. */
  annotations: Record<string, string>;
  /** ISO time the alert started firing. */
  startsAt: string;
  /**
   * ISO time it resolved; while firing null, or the time it resolves by itself (a test alert, a
   * threshold-check alert), which Alertmanager is told as its `endsAt`.
   */
  endsAt: string | null;
  /**
   * The labels a firing alert was last notified under when they changed (its severity did): Alertmanager
   * and webhook receivers identify an alert by its labels, so they are sent that label set's resolve.
   */
  supersededLabels?: Record<string, string>;
  /** The value that caused the notification, when there is one. */
  value: number | null;
}

/** A group of alerts sent together: what the outbox stores and every notifier formats. */
export interface Notification {
  groupKey: string;
  /** `firing` when any alert of the group fires. */
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: NotificationAlert[];
  /** ISO time the notification was decided. */
  createdAt: string;
}

/** What a notifier gets with each send: an idempotency key and an abort signal. */
export interface SendContext {
  /** Stable per notification: a retry sends the same key so receivers can drop duplicates. */
  idempotencyKey: string;
  signal: AbortSignal;
}

/**
 * A delivery channel. `configured: false` (e.g. a chat notifier without a token) means "skip me":
 * it is never a failure. `severities` routes: only alerts of these severities reach this notifier.
 */
export interface Notifier {
  readonly name: string;
  readonly configured: boolean;
  /** Severities routed to this notifier (default: all). */
  readonly severities?: readonly Severity[] | undefined;
  /** Resolves when the receiver accepted the notification; throws otherwise. */
  send(notification: Notification, context: SendContext): Promise<void>;
}

/** True when `notifier` takes alerts of `severity`. */
export function routes(notifier: Notifier, severity: Severity): boolean {
  return notifier.severities === undefined || notifier.severities.includes(severity);
}
