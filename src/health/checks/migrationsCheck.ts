import type { Database } from '../../db/Database.js';
import { quoteIdent } from '../../db/quoteIdent.js';
import { loadMigrations } from '../../schema/migrationFiles.js';
import type { HealthCheck } from '../HealthCheck.js';
import { boundedQuery } from './boundedQuery.js';
import { type BuiltinCheckOptions, DEFAULT_CHECK_TIMEOUT_MS } from './databaseCheck.js';

/**
 * Migrations applied (name `migrations`, startup, critical): fails while pgtel's migrations are
 * pending and when the database was migrated by a newer pgtel. Reads only the applied versions
 * (`schemaStatus()` also sizes every table, too slow for a probe on a busy catalog); the migration
 * files are read once, when the check is created.
 */
export function migrationsCheck(db: Database, options: BuiltinCheckOptions = {}): HealthCheck {
  const known = loadMigrations();
  const latest = known.at(-1)?.version ?? 0;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const trackingTable = `${quoteIdent(db.schema)}.schema_migrations`;
  return {
    name: options.name ?? 'migrations',
    probes: options.probes ?? ['startup'],
    critical: options.critical ?? true,
    timeoutMs,
    check: async (signal) => {
      const [found] = await boundedQuery<{ found: boolean }>(
        db,
        'SELECT to_regclass($1) IS NOT NULL AS found',
        [trackingTable],
        timeoutMs,
        signal,
      );
      const applied = found?.found
        ? (
            await boundedQuery<{ version: number }>(
              db,
              `SELECT version FROM ${db.table('schema_migrations')}`,
              [],
              timeoutMs,
              signal,
            )
          ).map((r) => r.version)
        : [];
      const version = Math.max(0, ...applied);
      if (version > latest) {
        return { status: 'fail', message: `Schema version ${version} is newer than this pgtel (${latest})` };
      }
      const pending = known
        .filter((m) => !applied.includes(m.version))
        .map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
      if (pending.length > 0) return { status: 'fail', message: `Migrations pending: ${pending.join(', ')}` };
      return { status: 'pass', message: `Schema at version ${version}` };
    },
  };
}
