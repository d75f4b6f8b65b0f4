import type { Database } from '../db/Database.js';
import type { OtlpMetric } from '../otlp/otlpModel.js';
import type { TimeWindow } from '../otlp/timeWindow.js';
import { lockCumulativeStates, saveCumulativeStates } from './cumulativeStates.js';
import { cumulativeToDelta } from './cumulativeToDelta.js';
import { describeMetrics } from './describeMetrics.js';
import { refuseInstrumentConflicts } from './instrumentConflicts.js';
import { otlpMetricRows } from './otlpMetricRows.js';
import { SeriesCache } from './SeriesCache.js';
import { storeMetricRows } from './storeMetricRows.js';

export interface ReceivedMetricsResult {
  /** Rows inserted. */
  written: number;
  /** Points already stored (a resend) or older than their series' last point: nothing to do. */
  duplicates: number;
  /** Metrics or points not stored, with why. */
  skipped: { name: string; reason: string; points: number }[];
}

/** Series made by this process's received metrics (their identity never depends on the database). */
const seriesCache = new SeriesCache();

/**
 * Stores received metrics in one transaction, all or nothing: instrument kinds checked against the
 * stored ones, descriptions upserted, cumulative points turned into deltas against the series'
 * saved running totals (locked, so concurrent pgtel processes agree), and rows whose point is already
 * stored skipped. Points outside `window` (when given) are refused. Safe to call again with the same
 * metrics after a failure or a lost answer.
 */
export async function storeReceivedMetrics(
  db: Database,
  metrics: readonly OtlpMetric[],
  now: number,
  window?: TimeWindow,
): Promise<ReceivedMetricsResult> {
  return db.transaction(async (tx) => {
    const { accepted, refused } = await refuseInstrumentConflicts(tx, metrics);
    const conversion = otlpMetricRows(accepted, seriesCache, window);
    await describeMetrics(tx, conversion.descriptions);
    const cumulativeIds = [...new Set(conversion.cumulative.map((p) => p.series.id))];
    const states = await lockCumulativeStates(tx, cumulativeIds);
    const deltas = cumulativeToDelta(conversion.cumulative, states);
    await saveCumulativeStates(tx, deltas.states);
    const rows = [...conversion.rows, ...deltas.rows];
    const written = await storeMetricRows(tx, rows, conversion.series.values(), now);
    return {
      written,
      duplicates: rows.length - written + deltas.stale,
      skipped: [...refused, ...conversion.skipped],
    };
  });
}
