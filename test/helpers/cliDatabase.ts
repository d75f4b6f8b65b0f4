import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/Database.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { migrate } from '../../src/schema/migrate.js';
import { testDatabaseUrl, uniqueSchema } from './testDatabase.js';

/**
 * A migrated database for CLI commands that open it themselves (no server): the real server on a
 * schema of its own, or an embedded folder nobody else holds. `fill` writes the file's data before
 * the tests; the schema and folder are removed after them. Returns the environment to run pgtel with.
 */
export function useCliDatabase(prefix: string, fill: (db: Database) => Promise<void>): NodeJS.ProcessEnv {
  const folder = mkdtempSync(join(tmpdir(), `pgtel-${prefix}-`));
  const schema = uniqueSchema(prefix.replaceAll('-', ''));
  beforeAll(async () => {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, dataDir: join(folder, 'data'), schema });
    try {
      await migrate(db);
      await fill(db);
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => {
    if (testDatabaseUrl) {
      const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
      await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await db.close();
    }
    rmSync(folder, { recursive: true, force: true });
  });
  return testDatabaseUrl
    ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, NO_COLOR: '1' }
    : { PGTEL_DATA_DIR: join(folder, 'data'), PGTEL_SCHEMA: schema, NO_COLOR: '1' };
}
