import type { Database, DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import type { SampleRow } from '../metrics/metricRows.js';
import { storeSampleRows } from '../metrics/storeMetricRows.js';
import type { TimeWindow } from '../otlp/timeWindow.js';
import type { RemoteMetadata, RemoteWriteRequest } from './RemoteWrite.js';
import { remoteWriteRows, sameSample } from './remoteWriteRows.js';

export interface RemoteWriteResult {
  /** Samples inserted. */
  written: number;
  /** Samples already stored (a resend) or repeated within the request: stored once. */
  duplicates: number;
}

/**
 * Keeps the rows that are new, after refusing (ValidationError: 400, the whole request rolled back)
 * the samples Prometheus's own storage refuses: one at a stored timestamp with another value, or one
 * older than its series' newest stored sample that is not stored already (out of order). A sample
 * stored exactly as sent is a resend: skipped, so a retried request is accepted and stored once.
 */
async function newRows(tx: DatabaseSession, rows: readonly SampleRow[]): Promise<SampleRow[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r[12]))];
  const newest = await tx.query<{ id: string; t: Date }>(
    `SELECT s.id::text AS id, m.recorded_at AS t FROM unnest($1::bigint[]) AS s(id)
     CROSS JOIN LATERAL (SELECT recorded_at FROM ${tx.table('metrics')}
                          WHERE series_id = s.id AND metric_type = 'sample'
                          ORDER BY recorded_at DESC LIMIT 1) m`,
    [ids],
  );
  const newestOf = new Map(newest.rows.map((r) => [r.id, r.t.getTime()]));
  const older = rows.filter((r) => r[3].getTime() <= (newestOf.get(r[12]) ?? Number.NEGATIVE_INFINITY));
  if (older.length === 0) return [...rows];
  const stored = await tx.query<{ id: string; t: Date; value: number; stale: boolean }>(
    `SELECT m.series_id::text AS id, m.recorded_at AS t, m.metric_value AS value, m.stale
       FROM ${tx.table('metrics')} m
       JOIN unnest($1::bigint[], $2::timestamptz[]) AS k(id, t) ON m.series_id = k.id AND m.recorded_at = k.t
      WHERE m.metric_type = 'sample'`,
    [older.map((r) => r[12]), older.map((r) => r[3])],
  );
  const storedAt = new Map(stored.rows.map((r) => [`${r.id}@${r.t.getTime()}`, r]));
  const skip = new Set<SampleRow>();
  for (const row of older) {
    const at = storedAt.get(`${row[12]}@${row[3].getTime()}`);
    const where = `series ${row[0]}${JSON.stringify(row[4])} at ${row[3].toISOString()}`;
    if (!at)
      throw new ValidationError(`out of order sample for ${where}: the series has newer samples stored`);
    if (!sameSample({ value: Number(at.value), stale: at.stale }, { value: row[2], stale: row[17] })) {
      throw new ValidationError(`duplicate sample for timestamp for ${where}: another value is stored`);
    }
    skip.add(row);
  }
  return rows.filter((r) => !skip.has(r));
}

/** Upserts what the request says of each metric family (the latest sent wins). */
async function storeMetadata(tx: DatabaseSession, metadata: readonly RemoteMetadata[]): Promise<void> {
  const byFamily = new Map(metadata.filter((m) => m.family !== '').map((m) => [m.family, m]));
  if (byFamily.size === 0) return;
  const all = [...byFamily.values()];
  await tx.query(
    `INSERT INTO ${tx.table('prometheus_metadata')} (metric_family_name, metric_type, help, unit)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ORDER BY 1
     ON CONFLICT (metric_family_name) DO UPDATE SET metric_type = excluded.metric_type,
       help = excluded.help, unit = excluded.unit, updated_at = now()`,
    [all.map((m) => m.family), all.map((m) => m.type), all.map((m) => m.help), all.map((m) => m.unit)],
  );
}

/**
 * Stores a decoded remote write request in one transaction, all or nothing: series registered in
 * `metric_series`, samples as `metrics` rows of type 'sample' (staleness markers flagged), metadata
 * in `prometheus_metadata`. Throws a ValidationError (nothing stored) for what Prometheus refuses
 * (see `remoteWriteRows`); safe to call again with the same request after a failure or a lost answer.
 */
export async function storeRemoteWrite(
  db: Database,
  request: RemoteWriteRequest,
  now: number,
  window?: TimeWindow,
): Promise<RemoteWriteResult> {
  const { rows, series } = remoteWriteRows(request, window);
  return db.transaction(async (tx) => {
    await storeMetadata(tx, request.metadata);
    const fresh = await newRows(tx, rows);
    const written = await storeSampleRows(tx, fresh, series.values(), now);
    return { written, duplicates: request.sampleCount - written };
  });
}
