import type { Database } from '../db/Database.js';
import { type MigrateResult, migrate } from './migrate.js';

/**
 * Creates (or upgrades) pgtel's schema and tables and the partitions ahead. Idempotent and safe to
 * call from many processes at once. The entry point kept from the system pgtel grows from.
 */
export function ensureObservabilityTables(db: Database): Promise<MigrateResult> {
  return migrate(db);
}
