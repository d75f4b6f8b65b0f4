import { copyNewRows } from '../db/copyNewRows.js';
import type { DatabaseSession } from '../db/Database.js';
import { METRIC_COLUMNS, type MetricRow, SAMPLE_COLUMNS, type SampleRow } from './metricRows.js';
import { registerSeries } from './registerSeries.js';
import type { StoredSeries } from './StoredSeries.js';

const HOUR_MS = 3_600_000;
/** The unique key of a stored point (`metrics_point_key`). */
const METRIC_POINT_KEY = ['series_id', 'recorded_at', 'start_time'];
/** The unique key of a stored Prometheus sample (`metrics_sample_points`). */
const SAMPLE_KEY = ['series_id', 'recorded_at'];

/** How rows of one kind are written: their columns and the unique key that skips resent ones. */
const POINT_SHAPE = { columns: METRIC_COLUMNS, key: METRIC_POINT_KEY };
const SAMPLE_SHAPE = { columns: SAMPLE_COLUMNS, key: SAMPLE_KEY };

/**
 * Stores metric rows and their series in the caller's transaction: new series registered, rows whose
 * point is already stored (same series, time and start) skipped, and hours that had ended by `now`
 * (a rollup may already hold them) marked for a new rollup. Returns the rows inserted.
 */
export function storeMetricRows(
  tx: DatabaseSession,
  rows: readonly MetricRow[],
  series: Iterable<StoredSeries>,
  now: number,
): Promise<number> {
  return storeRows(tx, POINT_SHAPE, rows, series, now);
}

/**
 * Stores Prometheus samples and their series like `storeMetricRows`: a sample already stored (same
 * series and timestamp) is skipped. Returns the rows inserted.
 */
export function storeSampleRows(
  tx: DatabaseSession,
  rows: readonly SampleRow[],
  series: Iterable<StoredSeries>,
  now: number,
): Promise<number> {
  return storeRows(tx, SAMPLE_SHAPE, rows, series, now);
}

async function storeRows(
  tx: DatabaseSession,
  shape: { columns: readonly string[]; key: readonly string[] },
  rows: readonly (MetricRow | SampleRow)[],
  series: Iterable<StoredSeries>,
  now: number,
): Promise<number> {
  await registerSeries(tx, series);
  const written = await copyNewRows(tx, 'metrics', shape.columns, rows, shape.key);
  await markClosedHoursDirty(tx, rows, now);
  return written;
}

async function markClosedHoursDirty(
  tx: DatabaseSession,
  rows: readonly (MetricRow | SampleRow)[],
  now: number,
): Promise<void> {
  const closedHours = hoursClosedBy(rows, now);
  if (closedHours.length > 0) await markHoursDirty(tx, closedHours);
}

/** Hours of `rows` that had ended by `now`: a rollup may already hold them. */
function hoursClosedBy(rows: readonly (MetricRow | SampleRow)[], now: number): Date[] {
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
