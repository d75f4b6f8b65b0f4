import type { Database } from '../../db/Database.js';
import { schemaStatus } from '../../schema/schemaStatus.js';
import type { HealthCheck } from '../HealthCheck.js';
import type { BuiltinCheckOptions } from './databaseCheck.js';

/**
 * Migrations applied (name `migrations`, startup, critical): fails while pgtel's migrations are
 * pending and when the database was migrated by a newer pgtel.
 */
export function migrationsCheck(db: Database, options: BuiltinCheckOptions = {}): HealthCheck {
  return {
    name: options.name ?? 'migrations',
    probes: options.probes ?? ['startup'],
    critical: options.critical ?? true,
    timeoutMs: options.timeoutMs,
    check: async () => {
      const status = await schemaStatus(db);
      if (status.version > status.latest) {
        return {
          status: 'fail',
          message: `Schema version ${status.version} is newer than this pgtel (${status.latest})`,
        };
      }
      if (status.pending.length > 0) {
        return { status: 'fail', message: `Migrations pending: ${status.pending.join(', ')}` };
      }
      return { status: 'pass', message: `Schema at version ${status.version}` };
    },
  };
}
