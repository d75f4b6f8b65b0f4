import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import type { Notification } from '../notifiers/Notifier.js';
import { idempotencyKey } from './idempotencyKey.js';

/**
 * Adds a notification for one notifier to the outbox, in the caller's transaction, due at `dueAt`
 * (default `now`). Returns the row id, or null when the same notification (same idempotency key,
 * default `idempotencyKey(notifier, notification)`) is already there.
 */
export async function enqueueNotification(
  tx: DatabaseSession,
  notifier: string,
  notification: Notification,
  now: number,
  options: { key?: string; dueAt?: number } = {},
): Promise<number | null> {
  const result = await tx.query<{ id: number }>(
    `INSERT INTO ${tx.table('alert_outbox')} (notifier, idempotency_key, group_key, payload, next_attempt_at, created_at)
     VALUES ($1, $2, $5, $3::jsonb, $6, $4)
     ON CONFLICT (notifier, idempotency_key) DO NOTHING RETURNING id`,
    [
      notifier,
      options.key ?? idempotencyKey(notifier, notification),
      toJsonText(notification),
      new Date(now),
      notification.groupKey,
      new Date(options.dueAt ?? now),
    ],
  );
  return result.rows[0]?.id ?? null;
}
