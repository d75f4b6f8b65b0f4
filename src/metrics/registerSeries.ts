import type { DatabaseSession } from '../db/Database.js';
import { toJsonText } from '../db/jsonText.js';
import type { StoredSeries } from './StoredSeries.js';

/**
 * Adds series to `metric_series` (those already there are left as they are). Call it in the
 * transaction that stores their samples, so a committed sample always has its series row.
 */
export async function registerSeries(tx: DatabaseSession, series: Iterable<StoredSeries>): Promise<void> {
  const unique = new Map<string, StoredSeries>();
  for (const s of series) unique.set(s.id, s);
  if (unique.size === 0) return;
  const all = [...unique.values()];
  await tx.query(
    `INSERT INTO ${tx.table('metric_series')}
       (series_id, metric_name, service_name, resource, scope_name, scope_version, labels)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::jsonb[])
     ORDER BY 1
     ON CONFLICT (series_id) DO NOTHING`,
    [
      all.map((s) => s.id),
      all.map((s) => s.name),
      all.map((s) => s.serviceName),
      all.map((s) => toJsonText(s.resource)),
      all.map((s) => s.scopeName),
      all.map((s) => s.scopeVersion),
      all.map((s) => toJsonText(s.labels)),
    ],
  );
}
