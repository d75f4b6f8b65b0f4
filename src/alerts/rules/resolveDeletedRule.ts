import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import type { NotificationAlert } from '../notifiers/Notifier.js';
import { notificationLinks } from '../notifiers/notificationLinks.js';
import { enqueueNotification } from '../outbox/enqueueNotification.js';
import type { AlertRule } from './AlertRule.js';
import { linksOfAlerts } from './alertLinkStore.js';
import { groupNotifications, type PendingAlert } from './groupNotifications.js';
import type { InstanceRow } from './instanceRow.js';

/**
 * Resolves what a rule being deleted left firing, in the deleting transaction (call it before the
 * DELETE, which takes the instances with it): every instance whose last notification said `firing`
 * gets a `resolved` one, with its links, on each notifier that was sent the firing one (found in the
 * outbox, so no notifier configuration is needed), and its alert row is resolved. Without it a
 * receiver would keep the alert open forever. Returns the number of instances resolved.
 */
export async function resolveDeletedRule(
  tx: DatabaseSession,
  rule: AlertRule,
  now: number,
  publicUrl: string,
): Promise<number> {
  const { rows } = await tx.query<InstanceRow>(
    `SELECT * FROM ${tx.table('alert_instances')}
      WHERE rule_name = $1 AND last_notified_status = 'firing' ORDER BY fingerprint FOR UPDATE`,
    [rule.name],
  );
  if (rows.length === 0) return 0;
  const alertIds = rows.flatMap((r) => (r.alert_id === null ? [] : [Number(r.alert_id)]));
  const linked = await linksOfAlerts(tx, alertIds);
  const metric = 'metric' in rule.source ? rule.source.metric : undefined;
  const byNotifier = new Map<string, PendingAlert[]>();
  for (const row of rows) {
    const alertId = row.alert_id === null ? null : Number(row.alert_id);
    const ids = (alertId !== null && linked.get(alertId)) || { traces: [], workflows: [] };
    const alert: NotificationAlert = {
      alertId,
      links: notificationLinks(publicUrl, alertId, ids, metric),
      fingerprint: row.fingerprint,
      status: 'resolved',
      severity: row.last_notified_severity ?? row.severity ?? rule.levels[0]!.severity,
      labels: row.labels,
      annotations: row.annotations,
      startsAt: (row.firing_since ?? new Date(now)).toISOString(),
      endsAt: new Date(now).toISOString(),
      value: row.value,
    };
    const sentTo = await tx.query<{ notifier: string }>(
      `SELECT DISTINCT notifier FROM ${tx.table('alert_outbox')} WHERE payload->'alerts' @> $1::jsonb`,
      [toJsonText([{ fingerprint: row.fingerprint, status: 'firing' }])],
    );
    for (const { notifier } of sentTo.rows) {
      const pending = byNotifier.get(notifier) ?? [];
      pending.push({ groupBy: rule.groupBy, alert });
      byNotifier.set(notifier, pending);
    }
  }
  await tx.query(
    `UPDATE ${tx.table('alerts')} SET resolved_at = $2 WHERE id = ANY($1::bigint[]) AND resolved_at IS NULL`,
    [alertIds, new Date(now)],
  );
  for (const [notifier, pending] of byNotifier)
    for (const notification of groupNotifications(pending, now))
      await enqueueNotification(tx, notifier, notification, now);
  return rows.length;
}
