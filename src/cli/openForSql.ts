import type { PgtelConfig } from '../config.js';
import type { Database } from '../db/Database.js';
import { ConfigError, LockedError } from '../errors.js';
import { assertEmbeddedDatabaseExists } from './api/runningServerUrl.js';

/**
 * Opens the database for a command that needs SQL rather than the JSON API (migrate, status,
 * query, prune, demo), explaining what to do when a running `pgtel serve` holds the embedded folder.
 * Only a command that sets the schema up passes `create` (default false): the others refuse a
 * missing embedded folder rather than create an empty database there.
 */
export async function openForSql(
  config: PgtelConfig,
  command: string,
  options: { create?: boolean } = {},
): Promise<Database> {
  if (options.create !== true) assertEmbeddedDatabaseExists(config);
  // Loaded here, not at start: the database drivers are the slowest imports of the CLI.
  const { openDatabase } = await import('../db/openDatabase.js');
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
