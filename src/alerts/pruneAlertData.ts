import { type Clock, systemClock } from '../clock.js';
import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';

/** Options of `pruneAlertData`. */
export interface PruneOptions {
  /** Days sent outbox rows are kept (default 7); pending and failed rows are never pruned. */
  outboxDays?: number;
  /** Days of state history kept (default 90). */
  historyDays?: number;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

/** Deletes old sent notifications and old history rows; for the maintenance job. Returns the counts. */
export async function pruneAlertData(
  db: DatabaseSession,
  options: PruneOptions = {},
): Promise<{ outbox: number; history: number }> {
  const outboxDays = options.outboxDays ?? 7;
  const historyDays = options.historyDays ?? 90;
  for (const [name, days] of [
    ['outboxDays', outboxDays],
    ['historyDays', historyDays],
  ] as const) {
    if (!(Number.isFinite(days) && days > 0))
      throw new ValidationError(`${name} must be above 0 (got ${days}).`);
  }
  const now = (options.clock ?? systemClock).now();
  const outbox = await db.query(
    `DELETE FROM ${db.table('alert_outbox')} WHERE status = 'sent' AND sent_at < $1`,
    [new Date(now - outboxDays * 86_400_000)],
  );
  const history = await db.query(`DELETE FROM ${db.table('alert_history')} WHERE changed_at < $1`, [
    new Date(now - historyDays * 86_400_000),
  ]);
  return { outbox: outbox.rowCount, history: history.rowCount };
}
