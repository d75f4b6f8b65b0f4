import { redact } from '../../redact.js';
import type { Notification, Notifier } from './Notifier.js';
import { DeliveryError } from './postJson.js';

/**
 * What happened for one notifier. `queued` and `failed` (willRetry) notifications are in the outbox and
 * are sent (again) by the worker; `failed` without retry was a direct send.
 */
export type NotifierOutcome =
  | { status: 'sent' }
  | { status: 'queued' }
  | { status: 'failed'; error: string; willRetry: boolean }
  | { status: 'not_configured' }
  | { status: 'not_routed' }
  | { status: 'suppressed'; reason: 'cooldown' };

/**
 * Sends one notification with a timeout; never throws. A failure is `permanent` when the receiver
 * refused the request itself (see `DeliveryError.permanent`), so retrying is pointless.
 */
export async function sendNow(
  notifier: Notifier,
  notification: Notification,
  idempotencyKey: string,
  timeoutMs: number,
): Promise<{ status: 'sent' } | { status: 'failed'; error: string; willRetry: false; permanent: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await notifier.send(notification, { idempotencyKey, signal: controller.signal });
    return { status: 'sent' };
  } catch (error) {
    return {
      status: 'failed',
      error: redact((error as Error).message ?? String(error)),
      willRetry: false,
      permanent: error instanceof DeliveryError && error.permanent,
    };
  } finally {
    clearTimeout(timer);
  }
}
