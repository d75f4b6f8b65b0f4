import type { Database } from '../db/Database.js';
import { type MigrateOptions, type MigrateResult, migrate } from './migrate.js';

/** What `ensureObservabilityTables` takes: the partition settings of the configuration, passed in. */
export type EnsureObservabilityTablesOptions = Pick<
  MigrateOptions,
  'partitionsAhead' | 'retentionDays' | 'clock' | 'logger'
>;

/**
 * Creates (or upgrades) pgtel's schema and tables, creates the partitions ahead and drops those past
 * retention, exactly as `migrate` does (pass the configuration's `partitionsAhead` and
 * `retentionDays`; defaults: 2 months ahead, each table's own retention). Idempotent and safe to call
 * from many processes at once.
 */
export function ensureObservabilityTables(
  db: Database,
  options: EnsureObservabilityTablesOptions = {},
): Promise<MigrateResult> {
  return migrate(db, options);
}
