import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import type { CumulativeState, CumulativeValue } from './cumulativeToDelta.js';

/**
 * Loads the states of cumulative series and locks them until the transaction ends, so that two
 * pgtel processes receiving points of one series apply them one after the other. Series without a
 * state get a placeholder row first (locked as well): a concurrent first point waits for it.
 */
export async function lockCumulativeStates(
  tx: DatabaseSession,
  seriesIds: readonly string[],
): Promise<Map<string, CumulativeState>> {
  const states = new Map<string, CumulativeState>();
  if (seriesIds.length === 0) return states;
  const table = tx.table('metric_cumulative_state');
  await tx.query(
    `INSERT INTO ${table} (series_id, start_time, last_time, point)
     SELECT id, '-infinity', '-infinity', 'null' FROM unnest($1::bigint[]) AS id ORDER BY id
     ON CONFLICT (series_id) DO NOTHING`,
    [seriesIds],
  );
  const { rows } = await tx.query<{
    id: string;
    start_time: Date;
    last_time: Date;
    point: CumulativeValue | null;
  }>(
    `SELECT series_id::text AS id, start_time, last_time, point FROM ${table}
      WHERE series_id = ANY($1::bigint[]) ORDER BY series_id FOR UPDATE`,
    [seriesIds],
  );
  for (const row of rows) {
    if (row.point !== null)
      states.set(row.id, { startTime: row.start_time, lastTime: row.last_time, value: row.point });
  }
  return states;
}

/** Saves new states of series locked by `lockCumulativeStates` in the same transaction. */
export async function saveCumulativeStates(
  tx: DatabaseSession,
  states: ReadonlyMap<string, CumulativeState>,
): Promise<void> {
  if (states.size === 0) return;
  const entries = [...states];
  await tx.query(
    `UPDATE ${tx.table('metric_cumulative_state')} AS s
        SET start_time = x.start_time, last_time = x.last_time, point = x.point, updated_at = now()
       FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::jsonb[]) AS x(id, start_time, last_time, point)
      WHERE s.series_id = x.id`,
    [
      entries.map(([id]) => id),
      entries.map(([, s]) => s.startTime),
      entries.map(([, s]) => s.lastTime),
      entries.map(([, s]) => toJsonText(s.value)),
    ],
  );
}
