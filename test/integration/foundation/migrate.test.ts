import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { MigrationError, SchemaTooNewError } from '../../../src/errors.js';
import { migrate } from '../../../src/schema/migrate.js';
import { loadMigrations } from '../../../src/schema/migrationFiles.js';
import { schemaStatus } from '../../../src/schema/schemaStatus.js';
import {
  disposeTestDatabase,
  onRealServer,
  openTestDatabase,
  testDatabaseUrl,
  uniqueSchema,
} from '../../helpers/testDatabase.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../../dist/src/cli/bin.js', import.meta.url));

describe('migrations', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase({ migrated: false, schema: uniqueSchema('Mixed "Case" schema') });
  });
  afterAll(async () => {
    await disposeTestDatabase(db);
  });

  it('lists pending migrations on a dry run without changing anything', async () => {
    const result = await migrate(db, { dryRun: true });
    expect(result.applied.map((m) => m.version)).toEqual(loadMigrations().map((m) => m.version));
    expect((await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema])).rowCount).toBe(0);
  });

  it('creates the seed tables in a schema with an awkward name, and is idempotent', async () => {
    const first = await migrate(db);
    const second = await migrate(db);
    expect(first.applied.length).toBe(loadMigrations().length);
    expect(second.applied).toEqual([]);
    const tables = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
      [db.schema],
    );
    expect(tables.rows.map((r) => r.relname)).toEqual(
      expect.arrayContaining(['workflow_state', 'metrics', 'spans', 'alerts']),
    );
    const status = await schemaStatus(db);
    expect(status.pending).toEqual([]);
    expect(status.version).toBe(status.latest);
  });

  it('keeps the seed columns of the seed tables', async () => {
    const columns = async (table: string) =>
      (
        await db.query<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [db.schema, table],
        )
      ).rows.map((r) => r.column_name);
    expect(await columns('workflow_state')).toEqual(
      expect.arrayContaining([
        'workflow_id',
        'correlation_id',
        'workflow_type',
        'current_phase',
        'status',
        'created_at',
        'updated_at',
        'metadata',
      ]),
    );
    expect(await columns('metrics')).toEqual(
      expect.arrayContaining(['id', 'metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels']),
    );
    expect(await columns('spans')).toEqual(
      expect.arrayContaining([
        'trace_id',
        'span_id',
        'parent_span_id',
        'operation_name',
        'service_name',
        'start_time',
        'end_time',
        'duration_ms',
        'attributes',
        'status',
      ]),
    );
    expect(await columns('alerts')).toEqual(
      expect.arrayContaining([
        'id',
        'alert_type',
        'severity',
        'title',
        'message',
        'triggered_at',
        'acknowledged_at',
        'acknowledged_by',
        'metadata',
      ]),
    );
  });

  it('refuses a database migrated by a newer pgtel', async () => {
    const future = Math.max(...loadMigrations().map((m) => m.version)) + 1;
    await db.query(
      `INSERT INTO ${db.table('schema_migrations')} (version, name, checksum) VALUES ($1, 'from_the_future', '')`,
      [future],
    );
    try {
      await expect(migrate(db)).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(migrate(db)).rejects.toThrow(
        new RegExp(`migration ${future} applied, newer than this pgtel knows`),
      );
    } finally {
      await db.query(`DELETE FROM ${db.table('schema_migrations')} WHERE version = $1`, [future]);
    }
  });

  it('applies all or nothing: a failing migration leaves the database as it was', async () => {
    const other = await openTestDatabase({ migrated: false });
    try {
      const good = { version: 1, name: 'good', sql: 'CREATE TABLE good_one (x int);', checksum: 'a' };
      const bad = {
        version: 2,
        name: 'bad',
        sql: 'CREATE TABLE bad_one (x int); SELECT no_such_function();',
        checksum: 'b',
      };
      const error = await migrate(other, { migrations: [good, bad] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/Migration 2 \(bad\) failed: .*no_such_function/);
      const left = await other.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [other.schema]);
      expect(left.rowCount).toBe(0);
    } finally {
      await disposeTestDatabase(other);
    }
  });
});

describe.runIf(onRealServer)('ten processes migrating one empty database at once', () => {
  const schema = uniqueSchema('race');
  let db: Database;
  afterAll(async () => {
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await disposeTestDatabase(db);
  });

  it('all succeed and each migration is applied exactly once', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: testDatabaseUrl,
      PGTEL_SCHEMA: schema,
      PGTEL_LOG_LEVEL: 'silent',
    };
    const runs = await Promise.allSettled(
      Array.from({ length: 10 }, () => run(process.execPath, [bin, 'migrate', '--json'], { env })),
    );
    expect(runs.map((r) => r.status)).toEqual(Array(10).fill('fulfilled'));
    const applied = runs.map(
      (r) =>
        (
          JSON.parse((r as PromiseFulfilledResult<{ stdout: string }>).value.stdout) as {
            migrations: unknown[];
          }
        ).migrations.length,
    );
    expect(applied.filter((n) => n > 0)).toEqual([loadMigrations().length]);
    db = await openTestDatabase({ schema, migrated: false });
    const rows = await db.query<{ version: number; n: number }>(
      `SELECT version, count(*)::int AS n FROM ${db.table('schema_migrations')} GROUP BY version`,
    );
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.rowCount).toBe(loadMigrations().length);
  });
});
