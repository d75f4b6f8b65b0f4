import { type PgtelOptions, resolveConfig } from '../config.js';
import { DatabaseError } from '../errors.js';
import { redact } from '../redact.js';
import { Database } from './Database.js';
import { DataDirLock } from './DataDirLock.js';
import { createPgDriver } from './PgDriver.js';
import { createPgliteDriver } from './PgliteDriver.js';

const IN_MEMORY = 'memory://';

/**
 * Opens pgtel's database: PostgreSQL when `databaseUrl` (or `PGTEL_DATABASE_URL` / `DATABASE_URL`)
 * is set, otherwise the embedded PGlite in `dataDir` (default `./.pgtel/data`, locked against a second
 * process). Checks the connection before returning, so a wrong URL fails here with one clear message.
 */
export async function openDatabase(options: PgtelOptions = {}): Promise<Database> {
  const config = resolveConfig(options);
  if (config.databaseUrl) {
    const db = new Database(
      createPgDriver(config.databaseUrl, config.poolSize, config.poolAcquireTimeoutMs),
      config.schema,
    );
    try {
      await db.query('SELECT 1');
    } catch (error) {
      await db.close();
      const reason = redact((error as Error).message).replace(/ \(while running:.*\)$/, '');
      throw new DatabaseError(`Cannot connect to PostgreSQL at ${db.description}: ${reason}`, {
        cause: error,
        sqlState: (error as DatabaseError).sqlState,
      });
    }
    return db;
  }
  if (config.dataDir === IN_MEMORY) return new Database(await createPgliteDriver(IN_MEMORY), config.schema);
  const lock = DataDirLock.acquire(config.dataDir);
  try {
    const driver = await createPgliteDriver(config.dataDir);
    return new Database(driver, config.schema, () => lock.release());
  } catch (error) {
    lock.release();
    throw new DatabaseError(
      `Cannot open the embedded database in ${config.dataDir}: ${(error as Error).message}. ` +
        'If the folder is corrupted, move it away and start again (pgtel recreates it).',
      { cause: error },
    );
  }
}
