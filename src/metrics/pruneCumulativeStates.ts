import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { ValidationError } from '../errors.js';

export interface PruneCumulativeStatesOptions {
  /** Forget series whose last cumulative point is older than this many days (default 90, the metrics retention). */
  retentionDays?: number;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

/**
 * Deletes the running totals of cumulative series silent for longer than the retention, a thousand
 * per statement. Should such a series come back with its old start time, its whole total is stored
 * again from that start: the rows it would duplicate are gone by then. Safe on several processes.
 * Returns the states deleted.
 */
export async function pruneCumulativeStates(
  db: Database,
  options: PruneCumulativeStatesOptions = {},
): Promise<number> {
  const days = options.retentionDays ?? 90;
  if (!(days > 0)) throw new ValidationError(`retentionDays must be above 0 (got ${days}).`);
  const cutoff = new Date((options.clock ?? systemClock).now() - days * 86_400_000);
  const table = db.table('metric_cumulative_state');
  let deleted = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM ${table} WHERE series_id IN (
         SELECT series_id FROM ${table} WHERE last_time < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)`,
      [cutoff],
    );
    deleted += rowCount;
    if (rowCount < 1000) return deleted;
  }
}
