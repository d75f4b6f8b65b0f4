import { createHash } from 'node:crypto';
import type { Notification } from '../notifiers/Notifier.js';

/**
 * A key that names one notification to one notifier: the same alerts in the same states decided at the
 * same moment give the same key, so enqueueing twice stores one row and a resend carries the same key.
 */
export function idempotencyKey(notifier: string, notification: Notification): string {
  const alerts = notification.alerts
    .map((a) => [a.fingerprint, a.status, a.severity, a.startsAt, a.endsAt])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const text = JSON.stringify([notifier, notification.groupKey, notification.createdAt, alerts]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
