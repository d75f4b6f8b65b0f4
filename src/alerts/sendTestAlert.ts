import { type Clock, systemClock } from '../clock.js';
import type { Notification, Notifier } from './notifiers/Notifier.js';
import { type NotifierOutcome, sendNow } from './notifiers/sendNow.js';
import { idempotencyKey } from './outbox/idempotencyKey.js';

/** The notification `sendTestAlert` sends. */
export function testNotification(now: number): Notification {
  const at = new Date(now).toISOString();
  const labels = { alertname: 'PgtelTestAlert', severity: 'info' };
  const annotations = {
    summary: 'pgtel test alert',
    description: 'If you can read this, pgtel can reach this channel.',
  };
  return {
    groupKey: `test:${at}`,
    status: 'firing',
    groupLabels: { alertname: 'PgtelTestAlert' },
    commonLabels: labels,
    commonAnnotations: annotations,
    alerts: [
      {
        alertId: null,
        links: { alert: null, traces: [], workflows: [] },
        fingerprint: 'pgtel-test',
        status: 'firing',
        severity: 'info',
        labels,
        annotations,
        startsAt: at,
        endsAt: null,
        value: null,
      },
    ],
    createdAt: at,
  };
}

/**
 * Sends a test alert straight to every configured notifier, ignoring severity routing, and reports
 * each outcome. Nothing is stored. Never throws.
 */
export async function sendTestAlert(
  notifiers: readonly Notifier[],
  options: { clock?: Clock; timeoutMs?: number } = {},
): Promise<Record<string, NotifierOutcome>> {
  const notification = testNotification((options.clock ?? systemClock).now());
  const entries = await Promise.all(
    notifiers.map(async (n): Promise<[string, NotifierOutcome]> => {
      if (!n.configured) return [n.name, { status: 'not_configured' }];
      return [
        n.name,
        await sendNow(n, notification, idempotencyKey(n.name, notification), options.timeoutMs ?? 10_000),
      ];
    }),
  );
  return Object.fromEntries(entries);
}
