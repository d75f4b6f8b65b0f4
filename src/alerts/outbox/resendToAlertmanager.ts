import { type Clock, systemClock } from '../../clock.js';
import type { Database } from '../../db/Database.js';
import { ValidationError } from '../../errors.js';
import { AlertmanagerNotifier } from '../notifiers/AlertmanagerNotifier.js';
import type { Notification, NotificationAlert, Notifier } from '../notifiers/Notifier.js';
import { routes } from '../notifiers/Notifier.js';
import { DEFAULT_PUBLIC_URL, notificationLinks } from '../notifiers/notificationLinks.js';
import { linksOfAlerts } from '../rules/alertLinkStore.js';
import type { Severity } from '../Severity.js';
import { enqueueNotification } from './enqueueNotification.js';

/** `group_key` of re-send rows in the outbox. */
export const RESEND_GROUP_KEY = 'alertmanager-resend';

/** Options of `resendToAlertmanager`. */
export interface ResendOptions {
  /** The notifiers of the process; its configured Alertmanager ones get the re-sends. */
  notifiers: readonly Notifier[];
  /** Period of the re-sends (default 60000, 1 min; `pgtel serve` passes `alertResendDelayMs`). */
  resendDelayMs?: number;
  /** How long a resolved alert is still re-sent as resolved (default 15 min, as Prometheus). */
  resolvedRetentionMs?: number;
  /** Base URL of the dashboard the alerts link to. Default: `http://localhost:4318`. */
  publicUrl?: string;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

interface Row {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: Severity | null;
  last_notified_status: 'firing' | 'resolved';
  last_notified_severity: Severity | null;
  firing_since: Date | null;
  value: number | null;
  alert_id: string | number | null;
  triggered_at: Date | null;
  resolved_at: Date | null;
}

function alertOf(row: Row, links: NotificationAlert['links'], now: number): NotificationAlert {
  const severity = row.last_notified_severity ?? row.severity ?? 'critical';
  const firing = row.last_notified_status === 'firing';
  const startsAt = (firing ? row.firing_since : row.triggered_at) ?? row.resolved_at ?? new Date(now);
  return {
    alertId: row.alert_id === null ? null : Number(row.alert_id),
    links,
    fingerprint: row.fingerprint,
    status: row.last_notified_status,
    severity,
    // The label set Alertmanager was told, even if a held notification would change it.
    labels: { ...row.labels, severity },
    annotations: row.annotations,
    startsAt: startsAt.toISOString(),
    endsAt: firing ? null : (row.resolved_at ?? new Date(now)).toISOString(),
    value: row.value,
  };
}

/**
 * Queues, once per `resendDelayMs` period and Alertmanager, the push of every alert it was told is
 * firing (acknowledged or silenced since included: those hold only pgtel's own notifications) and of
 * those resolved in the last `resolvedRetentionMs`, as Prometheus re-sends its alerts. So an
 * Alertmanager that restarted or missed a push knows them again within one period, and one whose pgtel
 * stopped lets them expire at their `endsAt`. The outbox row's idempotency key names the period: with
 * N processes sharing the database one row per period is queued and one of them sends it (SKIP
 * LOCKED); an older re-send not yet delivered is dropped, the new one supersedes it. Returns the
 * notifiers a re-send was queued for.
 */
export async function resendToAlertmanager(db: Database, options: ResendOptions): Promise<string[]> {
  const delay = options.resendDelayMs ?? 60_000;
  const retention = options.resolvedRetentionMs ?? 15 * 60_000;
  for (const [name, value] of [
    ['resendDelayMs', delay],
    ['resolvedRetentionMs', retention],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0))
      throw new ValidationError(`${name} must be above 0 (got ${value}).`);
  }
  const now = (options.clock ?? systemClock).now();
  const slot = new Date(Math.floor(now / delay) * delay).toISOString();
  const key = `resend:${slot}`;
  const outbox = db.table('alert_outbox');
  const ams = options.notifiers.filter((n) => n instanceof AlertmanagerNotifier && n.configured);
  const done = await db.query<{ notifier: string }>(
    `SELECT notifier FROM ${outbox} WHERE idempotency_key = $1 AND notifier = ANY($2::text[])`,
    [key, ams.map((n) => n.name)],
  );
  const due = ams.filter((n) => !done.rows.some((r) => r.notifier === n.name));
  if (due.length === 0) return [];
  const { rows } = await db.query<Row>(
    `SELECT i.fingerprint, i.labels, i.annotations, i.severity, i.last_notified_status, i.last_notified_severity,
            i.firing_since, i.value, i.alert_id, a.triggered_at, COALESCE(a.resolved_at, i.resolved_at) AS resolved_at
       FROM ${db.table('alert_instances')} i LEFT JOIN ${db.table('alerts')} a ON a.id = i.alert_id
      WHERE i.last_notified_status = 'firing'
         OR (i.last_notified_status = 'resolved' AND i.last_notified_at > $1)
      ORDER BY i.rule_name, i.fingerprint`,
    [new Date(now - retention)],
  );
  const publicUrl = options.publicUrl ?? DEFAULT_PUBLIC_URL;
  const linked = await linksOfAlerts(
    db,
    rows.flatMap((r) => (r.alert_id === null ? [] : [Number(r.alert_id)])),
  );
  const none = { traces: [], workflows: [] };
  const alerts = rows.map((r) => {
    const alertId = r.alert_id === null ? null : Number(r.alert_id);
    const ids = (alertId !== null && linked.get(alertId)) || none;
    return alertOf(r, notificationLinks(publicUrl, alertId, ids), now);
  });
  const queued: string[] = [];
  for (const notifier of due) {
    const routed = alerts.filter((a) => routes(notifier, a.severity));
    if (routed.length === 0) continue;
    const notification: Notification = {
      groupKey: RESEND_GROUP_KEY,
      status: routed.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts: routed,
      createdAt: slot,
    };
    const id = await db.transaction(async (tx) => {
      const inserted = await enqueueNotification(tx, notifier.name, notification, now, { key });
      if (inserted !== null)
        await tx.query(
          `DELETE FROM ${outbox} WHERE notifier = $1 AND group_key = $2 AND id <> $3 AND status <> 'sending'`,
          [notifier.name, RESEND_GROUP_KEY, inserted],
        );
      return inserted;
    });
    if (id !== null) queued.push(notifier.name);
  }
  return queued;
}
