import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/Database.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { migrate } from '../../src/schema/migrate.js';

/** The real server when PGTEL_TEST_DATABASE_URL is set (CI sets it), otherwise in-memory PGlite. */
export const testDatabaseUrl: string | undefined = process.env.PGTEL_TEST_DATABASE_URL || undefined;
export const onRealServer = testDatabaseUrl !== undefined;

export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Opens a database on a fresh schema of its own (migrated unless `migrated: false`). */
export async function openTestDatabase(
  options: { schema?: string; migrated?: boolean; poolSize?: number } = {},
): Promise<Database> {
  const db = await openDatabase({
    databaseUrl: testDatabaseUrl,
    dataDir: 'memory://',
    schema: options.schema ?? uniqueSchema(),
    poolSize: options.poolSize,
  });
  if (options.migrated !== false) await migrate(db);
  return db;
}

/** Drops the test schema (on the real server) and closes the database. */
export async function disposeTestDatabase(db: Database): Promise<void> {
  if (db.kind === 'postgres') await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(db.schema)} CASCADE`);
  await db.close();
}

/** One migrated database on its own schema for the whole test file. */
export function useTestDatabase(options: { migrated?: boolean; poolSize?: number } = {}): {
  readonly db: Database;
} {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase(options);
  });
  afterAll(async () => {
    if (db) await disposeTestDatabase(db);
  });
  return {
    get db(): Database {
      if (!db) throw new Error('test database not open yet');
      return db;
    },
  };
}
