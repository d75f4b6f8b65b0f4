import { type Clock, systemClock } from '../clock.js';
import type { DatabaseSession } from '../db/Database.js';
import type { Notification, Notifier } from './notifiers/Notifier.js';
import { type NotifierOutcome, sendNow } from './notifiers/sendNow.js';
import { enqueueNotification } from './outbox/enqueueNotification.js';
import { idempotencyKey } from './outbox/idempotencyKey.js';

/** Default `resolveAfterMs` of the test alert: 5 minutes. */
export const TEST_ALERT_RESOLVE_AFTER_MS = 300_000;

/**
 * The notification `sendTestAlert` sends (`status` firing), or its resolve. The firing alert's
 * `endsAt` is `resolveAfterMs` ahead, so Alertmanager resolves it by itself then.
 */
export function testNotification(
  now: number,
  status: 'firing' | 'resolved' = 'firing',
  resolveAfterMs = TEST_ALERT_RESOLVE_AFTER_MS,
): Notification {
  const at = new Date(now).toISOString();
  const labels = { alertname: 'PgtelTestAlert', severity: 'info' };
  const annotations = {
    summary: 'pgtel test alert',
    description: 'If you can read this, pgtel can reach this channel.',
  };
  return {
    groupKey: `test:${at}`,
    status,
    groupLabels: { alertname: 'PgtelTestAlert' },
    commonLabels: labels,
    commonAnnotations: annotations,
    alerts: [
      {
        alertId: null,
        links: { alert: null, traces: [], workflows: [] },
        fingerprint: 'pgtel-test',
        status,
        severity: 'info',
        labels,
        annotations,
        startsAt: at,
        endsAt: new Date(now + resolveAfterMs).toISOString(),
        value: null,
      },
    ],
    createdAt: at,
  };
}

export interface TestAlertOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** After how long the test alert resolves itself (default 5 min; `pgtel` passes `testAlertResolveAfterMs`). */
  resolveAfterMs?: number;
  /**
   * Where to queue the resolves (the outbox, sent by `pgtel serve`). Without it only Alertmanager learns
   * of the resolve, from the alert's `endsAt`. Default: none.
   */
  db?: DatabaseSession;
}

/**
 * Sends a test alert straight to every configured notifier, ignoring severity routing, and reports
 * each outcome. The alert resolves itself after `resolveAfterMs`: Alertmanager by its `endsAt`, the
 * others by a resolve queued in `db`'s outbox for that time, for each notifier the alert reached.
 * Never throws for a delivery fault (a database error queuing the resolves is thrown).
 */
export async function sendTestAlert(
  notifiers: readonly Notifier[],
  options: TestAlertOptions = {},
): Promise<Record<string, NotifierOutcome>> {
  const now = (options.clock ?? systemClock).now();
  const resolveAfterMs = options.resolveAfterMs ?? TEST_ALERT_RESOLVE_AFTER_MS;
  const notification = testNotification(now, 'firing', resolveAfterMs);
  const entries = await Promise.all(
    notifiers.map(async (n): Promise<[string, NotifierOutcome]> => {
      if (!n.configured) return [n.name, { status: 'not_configured' }];
      return [
        n.name,
        await sendNow(n, notification, idempotencyKey(n.name, notification), options.timeoutMs ?? 10_000),
      ];
    }),
  );
  const reached = entries.filter(([, o]) => o.status === 'sent').map(([name]) => name);
  if (options.db && reached.length > 0) {
    const resolve = testNotification(now, 'resolved', resolveAfterMs);
    for (const name of reached)
      await enqueueNotification(options.db, name, resolve, now, { dueAt: now + resolveAfterMs });
  }
  return Object.fromEntries(entries);
}
