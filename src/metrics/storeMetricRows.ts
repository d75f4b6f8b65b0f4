import { copyNewRows } from '../db/copyNewRows.js';
import type { DatabaseSession } from '../db/Database.js';
import { METRIC_COLUMNS, type MetricRow } from './metricRows.js';
import { registerSeries } from './registerSeries.js';
import type { StoredSeries } from './StoredSeries.js';

const HOUR_MS = 3_600_000;
/** The unique key of a stored point (`metrics_point_key`). */
const METRIC_POINT_KEY = ['series_id', 'recorded_at', 'start_time'];

/**
 * Stores metric rows and their series in the caller's transaction: new series registered, rows whose
 * point is already stored (same series, time and start) skipped, and hours that had ended by `now`
 * (a rollup may already hold them) marked for a new rollup. Returns the rows inserted.
 */
export async function storeMetricRows(
  tx: DatabaseSession,
  rows: readonly MetricRow[],
  series: Iterable<StoredSeries>,
  now: number,
): Promise<number> {
  await registerSeries(tx, series);
  const written = await copyNewRows(tx, 'metrics', METRIC_COLUMNS, rows, METRIC_POINT_KEY);
  const closedHours = hoursClosedBy(rows, now);
  if (closedHours.length > 0) await markHoursDirty(tx, closedHours);
  return written;
}

/** Hours of `rows` that had ended by `now`: a rollup may already hold them. */
function hoursClosedBy(rows: readonly MetricRow[], now: number): Date[] {
  const hours = new Set<number>();
  for (const row of rows) {
    const hour = Math.floor(row[3].getTime() / HOUR_MS) * HOUR_MS;
    if (hour + HOUR_MS <= now) hours.add(hour);
  }
  return [...hours].map((h) => new Date(h));
}

/** Marks hours for a new rollup; waits for a rollup holding one of them, so none is missed. */
export async function markHoursDirty(tx: DatabaseSession, hours: readonly Date[]): Promise<void> {
  await tx.query(
    `INSERT INTO ${tx.table('metric_rollup_hours')} (hour, state)
     SELECT h, 'dirty' FROM unnest($1::timestamptz[]) AS h ORDER BY h
     ON CONFLICT (hour) DO UPDATE SET state = 'dirty'`,
    [hours],
  );
}
