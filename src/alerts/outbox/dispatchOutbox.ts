import { type Clock, systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import type { Logger } from '../../logger.js';
import { type RetryOptions, retryDelay } from '../../retryDelay.js';
import type { Notification, Notifier } from '../notifiers/Notifier.js';
import { sendNow } from '../notifiers/sendNow.js';

const OUTBOX_RETRY = { baseMs: 5_000, maxMs: 15 * 60_000 };

/** Options of `dispatchOutbox`. */
export interface DispatchOptions {
  notifiers: readonly Notifier[];
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Receives failed sends. Default: none (not logged). */
  logger?: Logger;
  /** Rows claimed per call (default 50). */
  batchSize?: number;
  /** How long a claimed row is reserved before another worker may take it over (default 60 s). */
  leaseMs?: number;
  /** Per-request timeout (default 10 s); a slow receiver fails only its own row. */
  timeoutMs?: number;
  /**
   * Attempts before a row is parked as `failed`, kept for inspection and requeueing (default 20). A
   * permanent refusal (a 4xx such as Alertmanager's 400 for an invalid alert) parks it at once.
   */
  maxAttempts?: number;
  /** Delays between delivery attempts of a row. Default: `{ baseMs: 5_000, maxMs: 900_000 }` (5 s doubling up to 15 min). */
  retry?: RetryOptions;
  /** Jitter source in [0, 1). Default: `Math.random`. */
  random?: () => number;
  /** Only these outbox rows (immediate delivery of one alert). Default: all due rows. */
  ids?: readonly number[];
}

/** What one `dispatchOutbox` call sent, retried and parked. */
export interface DispatchOutcome {
  id: number;
  notifier: string;
  ok: boolean;
  error?: string;
  /** True when the row gave up and is now `failed`. */
  parked?: boolean;
  /** True when the receiver refused it for good (not retried). */
  permanent?: boolean;
}

interface ClaimedRow {
  id: number;
  notifier: string;
  idempotency_key: string;
  payload: Notification;
  attempts: number;
}

/**
 * One pass of the notification worker: claims due outbox rows of the configured notifiers with
 * `FOR UPDATE SKIP LOCKED` (so N workers share the work), sends them concurrently, then marks each sent
 * or schedules its retry with exponential backoff (a permanent refusal is parked at once, logged once
 * with the receiver's reason). No transaction is held while sending. Rows of
 * notifiers this process does not know are left for a process that does.
 */
export async function dispatchOutbox(
  db: DatabaseSession,
  options: DispatchOptions,
): Promise<DispatchOutcome[]> {
  const clock = options.clock ?? systemClock;
  const usable = new Map(options.notifiers.filter((n) => n.configured).map((n) => [n.name, n]));
  if (usable.size === 0) return [];
  const outbox = db.table('alert_outbox');
  const now = clock.now();
  const claimed = await db.query<ClaimedRow>(
    `UPDATE ${outbox} SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1
      WHERE id IN (SELECT id FROM ${outbox}
                    WHERE status IN ('pending', 'sending') AND next_attempt_at <= $2
                      AND notifier = ANY($3::text[]) AND ($4::bigint[] IS NULL OR id = ANY($4::bigint[]))
                    ORDER BY next_attempt_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
      RETURNING id, notifier, idempotency_key, payload, attempts`,
    [
      new Date(now + (options.leaseMs ?? 60_000)),
      new Date(now),
      [...usable.keys()],
      options.ids ? [...options.ids] : null,
      options.batchSize ?? 50,
    ],
  );
  return Promise.all(
    claimed.rows.map(async (row): Promise<DispatchOutcome> => {
      const sent = await sendNow(
        usable.get(row.notifier)!,
        row.payload,
        row.idempotency_key,
        options.timeoutMs ?? 10_000,
      );
      if (sent.status === 'sent') {
        await db.query(
          `UPDATE ${outbox} SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1`,
          [row.id, new Date(clock.now())],
        );
        return { id: row.id, notifier: row.notifier, ok: true };
      }
      const parked = sent.permanent || row.attempts >= (options.maxAttempts ?? 20);
      const delay = retryDelay(row.attempts, options.retry, OUTBOX_RETRY, options.random);
      await db.query(
        `UPDATE ${outbox} SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`,
        [row.id, parked ? 'failed' : 'pending', new Date(clock.now() + delay), sent.error],
      );
      options.logger?.warn(
        sent.permanent
          ? `alert notification to ${row.notifier} refused, not retried`
          : `alert notification to ${row.notifier} failed`,
        { id: row.id, attempt: row.attempts, error: sent.error, parked },
      );
      return {
        id: row.id,
        notifier: row.notifier,
        ok: false,
        error: sent.error,
        parked,
        permanent: sent.permanent,
      };
    }),
  );
}

/** Puts parked (`failed`) outbox rows back in the queue; returns how many. */
export async function requeueFailedNotifications(
  db: DatabaseSession,
  clock: Clock = systemClock,
): Promise<number> {
  const result = await db.query(
    `UPDATE ${db.table('alert_outbox')} SET status = 'pending', attempts = 0, next_attempt_at = $1
      WHERE status = 'failed'`,
    [new Date(clock.now())],
  );
  return result.rowCount;
}
