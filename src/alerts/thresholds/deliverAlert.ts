import { type Clock, systemClock } from '../../clock.js';
import type { Database } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import type { Logger } from '../../logger.js';
import { redact } from '../../redact.js';
import { type Notifier, routes } from '../notifiers/Notifier.js';
import { DEFAULT_PUBLIC_URL } from '../notifiers/notificationLinks.js';
import { type NotifierOutcome, sendNow } from '../notifiers/sendNow.js';
import { dispatchOutbox } from '../outbox/dispatchOutbox.js';
import { enqueueNotification } from '../outbox/enqueueNotification.js';
import { idempotencyKey } from '../outbox/idempotencyKey.js';
import type { Alert } from './Alert.js';
import { thresholdFingerprint, thresholdNotification } from './thresholdNotification.js';
import { validateAlert } from './validateAlert.js';

/** What `deliverAlert` did: the stored row and the outcome of each notifier. */
export interface DeliveryResult {
  /** Id of the stored `alerts` row, or null when storing failed. */
  id: number | null;
  stored: boolean;
  storeError?: string;
  /** One entry per notifier given. */
  notifiers: Record<string, NotifierOutcome>;
}

/** Options of `deliverAlert`. */
export interface DeliverAlertOptions {
  /** Notifiers the alert is routed to. Default: none (the alert is only stored). */
  notifiers?: readonly Notifier[];
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Receives storage and send failures. Default: none (not logged). */
  logger?: Logger;
  /** The same alert (type + title) notifies again only after this long (default 4 h). */
  repeatIntervalMs?: number;
  /** Send right away and report the outcome (default true); false leaves it to the outbox worker. */
  wait?: boolean;
  /** Per-request timeout when sending right away (default 10 s). */
  timeoutMs?: number;
  /**
   * Base URL of the pgtel dashboard the notification links to (the stored alert's page). Default:
   * `http://localhost:4318` (`pgtel serve` on its default port).
   */
  publicUrl?: string;
}

/**
 * Stores `alert` in the `alerts` table and notifies the notifiers that route its severity, through
 * the outbox (so a failed send is retried, never lost). The same alert within the repeat interval is
 * stored but not notified again. A notifier that is not configured is reported, never a failure. When
 * the database is unreachable the notifiers are still tried directly. Never throws for delivery faults;
 * throws ValidationError for a malformed alert.
 */
export async function deliverAlert(
  db: Database,
  input: Alert,
  options: DeliverAlertOptions = {},
): Promise<DeliveryResult> {
  const alert = validateAlert(input);
  const clock = options.clock ?? systemClock;
  const notifiers = options.notifiers ?? [];
  const now = clock.now();
  const fingerprint = thresholdFingerprint(alert);
  const notification = thresholdNotification(alert, fingerprint, now);
  const outcomes: Record<string, NotifierOutcome> = {};
  const targets: Notifier[] = [];
  for (const n of notifiers) {
    if (!n.configured) outcomes[n.name] = { status: 'not_configured' };
    else if (!routes(n, alert.severity)) outcomes[n.name] = { status: 'not_routed' };
    else targets.push(n);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  let stored: { id: number; queued: Map<number, string>; cooldown: boolean };
  try {
    stored = await db.transaction(async (tx) => {
      // Serializes deliveries of the same alert so concurrent callers cannot both pass the cooldown.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pgtel:alert:${fingerprint}`]);
      // A resolve ends the cooldown: the alert raised again is a new episode and notifies at once.
      const recent = await tx.query(
        `SELECT 1 FROM ${tx.table('alert_outbox')} o WHERE o.group_key = $1 AND o.created_at > $2
            AND NOT EXISTS (SELECT 1 FROM ${tx.table('alerts')} a WHERE a.fingerprint = $1
                             AND a.rule_name IS NULL AND a.resolved_at >= o.created_at)
          LIMIT 1`,
        [fingerprint, new Date(now - (options.repeatIntervalMs ?? 4 * 3_600_000))],
      );
      const inserted = await tx.query<{ id: number }>(
        `INSERT INTO ${tx.table('alerts')}
           (alert_type, severity, title, message, triggered_at, metadata, fingerprint, labels)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb) RETURNING id`,
        [
          alert.alertType,
          alert.severity,
          alert.title,
          alert.message,
          new Date(now),
          toJsonText(alert.metadata),
          fingerprint,
          toJsonText(notification.commonLabels),
        ],
      );
      const queued = new Map<number, string>();
      const cooldown = recent.rows.length > 0;
      if (!cooldown) {
        const alertId = inserted.rows[0]!.id;
        const publicUrl = options.publicUrl ?? DEFAULT_PUBLIC_URL;
        const linked = thresholdNotification(alert, fingerprint, now, { alertId, publicUrl });
        for (const n of targets) {
          const id = await enqueueNotification(tx, n.name, linked, now);
          if (id !== null) queued.set(id, n.name);
        }
      }
      return { id: inserted.rows[0]!.id, queued, cooldown };
    });
  } catch (error) {
    const storeError = redact((error as Error).message);
    options.logger?.error('storing an alert failed; notifying directly', { error: storeError });
    for (const n of targets) {
      outcomes[n.name] = await sendNow(n, notification, idempotencyKey(n.name, notification), timeoutMs);
    }
    return { id: null, stored: false, storeError, notifiers: outcomes };
  }
  if (stored.cooldown) {
    for (const n of targets) outcomes[n.name] = { status: 'suppressed', reason: 'cooldown' };
  } else if (options.wait === false) {
    for (const n of targets) outcomes[n.name] = { status: 'queued' };
  }
  if (!stored.cooldown && options.wait !== false && stored.queued.size > 0) {
    const results = await dispatchOutbox(db, {
      notifiers: targets,
      clock,
      logger: options.logger,
      timeoutMs,
      ids: [...stored.queued.keys()],
    }).catch((error: unknown) => {
      const message = redact((error as Error).message);
      return [...stored.queued].map(([id, notifier]) => ({ id, notifier, ok: false, error: message }));
    });
    for (const r of results) {
      outcomes[r.notifier] = r.ok
        ? { status: 'sent' }
        : { status: 'failed', error: r.error ?? 'unknown error', willRetry: true };
    }
  }
  return { id: stored.id, stored: true, notifiers: outcomes };
}
