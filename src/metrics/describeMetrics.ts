import type { DatabaseSession } from '../db/Database.js';
import type { InstrumentKind } from './Instrument.js';

/** What `metric_descriptions` holds about one metric. */
export interface MetricDescription {
  name: string;
  kind: InstrumentKind;
  unit: string;
  description: string;
  raw: boolean;
}

/** Upserts metric descriptions (latest wins). */
export async function describeMetrics(
  db: DatabaseSession,
  entries: readonly MetricDescription[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO ${db.table('metric_descriptions')} (metric_name, instrument, unit, description, raw)
     SELECT DISTINCT ON (n) n, k, u, d, r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS x(n, k, u, d, r)
     ON CONFLICT (metric_name) DO UPDATE SET instrument = excluded.instrument, unit = excluded.unit,
       description = excluded.description, raw = excluded.raw, updated_at = now()`,
    [
      entries.map((e) => e.name),
      entries.map((e) => e.kind),
      entries.map((e) => e.unit),
      entries.map((e) => e.description),
      entries.map((e) => e.raw),
    ],
  );
}
