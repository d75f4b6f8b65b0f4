import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { DatabaseError, MigrationError } from '../../../src/errors.js';
import { migrate } from '../../../src/schema/migrate.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-faults-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a corrupted embedded database folder', () => {
  it('gives one clear message, changes nothing and leaves no lock behind', async () => {
    const dataDir = join(folder, 'data');
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), 'not a version\n');
    const error = await openDatabase({ databaseUrl: undefined, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(
      /^Cannot open the embedded database in .*data: .*If the folder is corrupted, move it away/,
    );
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });
});

describe.runIf(onRealServer)('a role without the permission to create a schema', () => {
  const role = `pgtel_noperm_${uniqueSchema('r').slice(2)}`;
  const schema = uniqueSchema('perm');

  afterAll(async () => {
    const admin = await openDatabase({ databaseUrl: testDatabaseUrl });
    await admin.exec(
      `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; DROP ROLE IF EXISTS ${quoteIdent(role)}`,
    );
    await admin.close();
  });

  it('gets a migration error naming the permission, and the database stays as it was', async () => {
    const admin = await openDatabase({ databaseUrl: testDatabaseUrl });
    await admin.exec(`CREATE ROLE ${quoteIdent(role)} LOGIN`); // no CREATE on the database: the default
    await admin.close();
    const url = new URL(testDatabaseUrl!);
    url.username = role;
    const db = await openDatabase({ databaseUrl: url.toString(), schema });
    try {
      const error = await migrate(db).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/nothing was changed: permission denied for database/);
      const found = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(found.rowCount).toBe(0);
    } finally {
      await db.close();
    }
  });
});
