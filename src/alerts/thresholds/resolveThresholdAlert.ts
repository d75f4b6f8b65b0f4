import { type Clock, systemClock } from '../../clock.js';
import type { Database, DatabaseSession } from '../../db/Database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { DEFAULT_PUBLIC_URL } from '../notifiers/notificationLinks.js';
import { enqueueNotification } from '../outbox/enqueueNotification.js';
import type { Alert, StoredAlert } from './Alert.js';
import { ALERT_COLUMNS, toStoredAlert } from './getRecentAlerts.js';
import { thresholdFingerprint, thresholdNotification } from './thresholdNotification.js';

/** Options of `resolveAlert` and `resolveThresholdAlert`. */
export interface ResolveOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Base URL of the dashboard the resolve notifications link to. Default `http://localhost:4318`. */
  publicUrl?: string;
}

type Row = Parameters<typeof toStoredAlert>[0];

/**
 * Ends the open episode of the threshold alert with `fingerprint`: every open `alerts` row of it is
 * resolved and each notifier that was sent it firing is queued a `resolved` notification (found in the
 * outbox, so no notifier configuration is needed). Returns the newest row resolved, or null when
 * nothing was open. Call it in a transaction.
 */
async function resolveEpisode(
  tx: DatabaseSession,
  fingerprint: string,
  options: ResolveOptions,
): Promise<StoredAlert | null> {
  const now = (options.clock ?? systemClock).now();
  const { rows } = await tx.query<Row>(
    `UPDATE ${tx.table('alerts')} SET resolved_at = $2
      WHERE fingerprint = $1 AND rule_name IS NULL AND resolved_at IS NULL
      RETURNING ${ALERT_COLUMNS}`,
    [fingerprint, new Date(now)],
  );
  if (rows.length === 0) return null;
  const alerts = rows.map(toStoredAlert).sort((a, b) => b.id - a.id);
  const newest = alerts[0]!;
  const firingSince = Math.min(...alerts.map((a) => a.triggeredAt.getTime()));
  const sentTo = await tx.query<{ notifier: string }>(
    `SELECT DISTINCT notifier FROM ${tx.table('alert_outbox')} WHERE group_key = $1 AND created_at >= $2`,
    [fingerprint, new Date(firingSince)],
  );
  const notification = thresholdNotification(newest, fingerprint, now, {
    alertId: newest.id,
    publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL,
    firingSince,
  });
  for (const { notifier } of sentTo.rows) await enqueueNotification(tx, notifier, notification, now);
  return newest;
}

/**
 * Resolves the threshold alert `alert` names (its type and title) because its check passes again:
 * the same lifecycle as a rule's alert, which resolves when its condition clears. Returns whether an
 * open alert was resolved.
 */
export async function resolveThresholdAlert(
  db: Database,
  alert: Pick<Alert, 'alertType' | 'title'>,
  options: ResolveOptions = {},
): Promise<boolean> {
  const fingerprint = thresholdFingerprint(alert);
  return (await db.transaction((tx) => resolveEpisode(tx, fingerprint, options))) !== null;
}

/**
 * Resolves alert `id` by hand (`POST /api/alerts/:id/resolve`, `pgtel alerts resolve`): a threshold
 * alert's whole open episode. An alert raised by a rule resolves only when its rule's condition clears
 * (ConflictError); NotFoundError when there is no such alert. Resolving again returns it unchanged.
 */
export async function resolveAlert(
  db: DatabaseSession,
  id: number,
  options: ResolveOptions = {},
): Promise<StoredAlert> {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new ValidationError(`alert id must be a positive whole number (got ${id}).`);
  const found = await db.query<Row>(`SELECT ${ALERT_COLUMNS} FROM ${db.table('alerts')} WHERE id = $1`, [id]);
  const row = found.rows[0];
  if (!row) throw new NotFoundError(`Alert ${id} not found.`);
  const alert = toStoredAlert(row);
  if (alert.ruleName !== null)
    throw new ConflictError(
      `Alert ${id} comes from rule ${JSON.stringify(alert.ruleName)}: it resolves when the rule's condition clears (or when the rule is deleted).`,
    );
  if (alert.resolvedAt !== null || alert.fingerprint === null) return alert;
  await resolveEpisode(db, alert.fingerprint, options);
  const after = await db.query<Row>(`SELECT ${ALERT_COLUMNS} FROM ${db.table('alerts')} WHERE id = $1`, [id]);
  return toStoredAlert(after.rows[0]!);
}
