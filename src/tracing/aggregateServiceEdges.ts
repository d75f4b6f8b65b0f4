import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';

/** Options of `aggregateServiceEdges`. */
export interface AggregateServiceEdgesOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock | undefined;
  /**
   * A minute is aggregated once it ended this long ago, so spans exported a little late are in it.
   * A span arriving later than this is left out of the service map. Default 120,000 ms.
   */
  settleMs?: number | undefined;
  /** Most time aggregated per transaction; a backlog is worked through in steps of this. Default 1 hour. */
  stepMs?: number | undefined;
  /** Most steps of one call, so one run of the job stays short. Default 24. */
  maxSteps?: number | undefined;
}

/** What one `aggregateServiceEdges` call did. */
export interface AggregateServiceEdgesReport {
  /** Rows (minute and pair of services) written. */
  rows: number;
  /** Spans starting before this are aggregated; null when there is no span yet. */
  aggregatedUntil: Date | null;
}

const MINUTE_MS = 60_000;

/**
 * Moves the service map forward: the calls between services of spans that started since the last
 * run, up to whole minutes `settleMs` ago, are added to `service_edges` (see the
 * `service_edges_between` SQL function) and the progress mark advanced in the same transaction. The
 * progress row is locked, so instances sharing the database never count a minute twice. Work is
 * proportional to the new spans, never to all of them.
 */
export async function aggregateServiceEdges(
  db: Database,
  options: AggregateServiceEdgesOptions = {},
): Promise<AggregateServiceEdgesReport> {
  const clock = options.clock ?? systemClock;
  const settleMs = options.settleMs ?? 120_000;
  const stepMs = options.stepMs ?? 3_600_000;
  const maxSteps = options.maxSteps ?? 24;
  const settled = Math.floor((clock.now() - settleMs) / MINUTE_MS) * MINUTE_MS;
  let rows = 0;
  let until: Date | null = null;
  for (let step = 0; step < maxSteps; step++) {
    const done = await db.transaction(async (tx) => {
      const progress = await tx.query<{ aggregated_until: Date | null }>(
        `SELECT aggregated_until FROM ${tx.table('service_edges_progress')} FOR UPDATE`,
      );
      let from = progress.rows[0]?.aggregated_until ?? null;
      if (from === null) {
        // First run: start at the oldest stored span (its minute).
        const oldest = await tx.query<{ first: Date | null }>(
          `SELECT date_trunc('minute', min(start_time)) AS first FROM ${tx.table('spans')}`,
        );
        from = oldest.rows[0]?.first ?? null;
        if (from === null) return true;
      }
      const to = Math.min(settled, from.getTime() + stepMs);
      until = from;
      if (to <= from.getTime()) return true;
      const inserted = await tx.query(
        `INSERT INTO ${tx.table('service_edges')}
           SELECT * FROM ${tx.table('service_edges_between')}($1, $2)`,
        [from, new Date(to)],
      );
      await tx.query(`UPDATE ${tx.table('service_edges_progress')} SET aggregated_until = $1`, [
        new Date(to),
      ]);
      rows += inserted.rowCount;
      until = new Date(to);
      return to >= settled;
    });
    if (done) break;
  }
  return { rows, aggregatedUntil: until };
}
