import type { PgtelConfig } from '../config.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { ConfigError, LockedError } from '../errors.js';

/**
 * Opens the database for a command that needs SQL rather than the JSON API (migrate, status,
 * query, prune, demo), explaining what to do when a running `pgtel serve` holds the embedded folder.
 */
export async function openForSql(config: PgtelConfig, command: string): Promise<Database> {
  try {
    return await openDatabase(config);
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    throw new ConfigError(
      `${command} needs the database itself, and the embedded one is held by the running pgtel serve ` +
        `(process ${error.holderPid}). Stop it first, or run pgtel on PostgreSQL (DATABASE_URL) to share it.`,
    );
  }
}
