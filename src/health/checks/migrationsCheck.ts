import type { Database } from '../../db/Database.js';
import { quoteIdent } from '../../db/quoteIdent.js';
import { appliedMigrationsSql } from '../../schema/appliedMigrations.js';
import { BUNDLED_MIGRATIONS } from '../../schema/bundledMigrations.generated.js';
import {
  type AppliedMigration,
  migrationLabel,
  schemaCompatibility,
} from '../../schema/schemaCompatibility.js';
import type { HealthCheck } from '../HealthCheck.js';
import { boundedQuery } from './boundedQuery.js';
import { type BuiltinCheckOptions, DEFAULT_CHECK_TIMEOUT_MS } from './databaseCheck.js';

/**
 * Migrations applied (name `migrations`, startup, critical): fails while pgtel's migrations are
 * pending and when a newer pgtel applied a breaking migration; a newer schema whose extra
 * migrations are all additive passes. Reads only `schema_migrations` (`schemaStatus()` also sizes
 * every table, too slow for a probe on a busy catalog).
 */
export function migrationsCheck(db: Database, options: BuiltinCheckOptions = {}): HealthCheck {
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
        ? await boundedQuery<AppliedMigration>(
            db,
            appliedMigrationsSql(db.table('schema_migrations')),
            [],
            timeoutMs,
            signal,
          )
        : [];
      const { breakingAhead, pending, newer, schemaVersion, codeVersion } = schemaCompatibility(
        applied,
        BUNDLED_MIGRATIONS,
      );
      if (breakingAhead.length > 0) {
        return {
          status: 'fail',
          message: `Schema version ${schemaVersion} is newer than this pgtel (${codeVersion}) with breaking migration ${breakingAhead.map(migrationLabel).join(', ')}`,
        };
      }
      if (pending.length > 0) {
        return { status: 'fail', message: `Migrations pending: ${pending.map(migrationLabel).join(', ')}` };
      }
      return {
        status: 'pass',
        message:
          newer.length > 0
            ? `Schema at version ${schemaVersion}, newer than this pgtel (${codeVersion}); the extra migrations are additive`
            : `Schema at version ${schemaVersion}`,
      };
    },
  };
}
