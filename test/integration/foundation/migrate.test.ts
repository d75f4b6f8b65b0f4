import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { MigrationError, SchemaTooNewError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { BUNDLED_MIGRATIONS } from '../../../src/schema/bundledMigrations.generated.js';
import { migrate } from '../../../src/schema/migrate.js';
import { partitionName } from '../../../src/schema/partitionMath.js';
import { schemaStatus } from '../../../src/schema/schemaStatus.js';
import { spanToRow } from '../../../src/tracing/spanToRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import {
  disposeTestDatabase,
  onRealServer,
  openTestDatabase,
  testDatabaseUrl,
  uniqueSchema,
} from '../../helpers/testDatabase.js';
import { someSpans } from '../../unit/tracing/recordSpans.js';

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
    expect(result.applied.map((m) => m.version)).toEqual(BUNDLED_MIGRATIONS.map((m) => m.version));
    expect((await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema])).rowCount).toBe(0);
  });

  it('creates the base tables in a schema with an awkward name, and is idempotent', async () => {
    const first = await migrate(db);
    const second = await migrate(db);
    expect(first.applied.length).toBe(BUNDLED_MIGRATIONS.length);
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

  it('keeps the original columns of the base tables', async () => {
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
  }, 120_000);
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
    expect(applied.filter((n) => n > 0)).toEqual([BUNDLED_MIGRATIONS.length]);
    db = await openTestDatabase({ schema, migrated: false });
    const rows = await db.query<{ version: number; n: number }>(
      `SELECT version, count(*)::int AS n FROM ${db.table('schema_migrations')} GROUP BY version`,
    );
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.rowCount).toBe(BUNDLED_MIGRATIONS.length);
  });
});

const LATEST = BUNDLED_MIGRATIONS.at(-1)!;
/** The code of the previous release: it knows every migration but the newest. */
const PREVIOUS_RELEASE = BUNDLED_MIGRATIONS.slice(0, -1);
/** The newest version the previous release knows (versions need not be consecutive). */
const PREVIOUS_VERSION = PREVIOUS_RELEASE.at(-1)!.version;

describe('a schema newer than the code', () => {
  let db: Database;
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line));
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await disposeTestDatabase(db);
  });

  it("runs the previous release's code against it when the newer migration is additive", async () => {
    lines.length = 0;
    const result = await migrate(db, { migrations: PREVIOUS_RELEASE, logger });
    expect(result).toMatchObject({ applied: [], version: LATEST.version, newer: [LATEST.version] });
    expect(lines.join('')).toMatch(
      new RegExp(
        `is newer than this pgtel \\(version ${LATEST.version}, this pgtel knows up to ${PREVIOUS_VERSION}\\)`,
      ),
    );
    // And the previous release's writes still work against it.
    const rows = someSpans(2, 'previous-release').map((span) => spanToRow(span));
    expect((await writeSpanRows(db, rows)).written).toBe(2);
    expect((await schemaStatus(db)).pending).toEqual([]);
  });

  it('refuses it when the newer migration is breaking, naming the versions', async () => {
    await db.query(`UPDATE ${db.table('schema_migrations')} SET breaking = true WHERE version = $1`, [
      LATEST.version,
    ]);
    try {
      const error = await migrate(db, { migrations: PREVIOUS_RELEASE, logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaTooNewError);
      expect(error).toMatchObject({
        schemaVersion: LATEST.version,
        codeVersion: PREVIOUS_VERSION,
        breakingVersions: [LATEST.version],
      });
      expect((error as Error).message).toMatch(
        new RegExp(
          `at version ${LATEST.version}, newer than this pgtel knows \\(up to ${PREVIOUS_VERSION}\\), and migration ${LATEST.version} is breaking`,
        ),
      );
      // A dry run refuses alike, and the code that knows the migration runs.
      await expect(
        migrate(db, { migrations: PREVIOUS_RELEASE, dryRun: true, logger }),
      ).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(migrate(db, { logger })).resolves.toMatchObject({ newer: [] });
    } finally {
      await db.query(`UPDATE ${db.table('schema_migrations')} SET breaking = false WHERE version = $1`, [
        LATEST.version,
      ]);
    }
  });

  it('records a breaking migration as breaking when it applies it', async () => {
    // Last in this block: it leaves two more migrations applied.
    const next = LATEST.version + 1;
    const additive = { version: next, name: 'one', sql: 'CREATE TABLE one (x int);', checksum: 'a' };
    const breaking = {
      version: next + 1,
      name: 'two',
      sql: 'DROP TABLE one;',
      checksum: 'b',
      breaking: true,
    };
    await migrate(db, { migrations: [...BUNDLED_MIGRATIONS, additive, breaking], logger });
    const error = await migrate(db, { migrations: [...BUNDLED_MIGRATIONS, additive], logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ breakingVersions: [next + 1], schemaVersion: next + 1, codeVersion: next });
  });
});

describe('applied migrations checked against the code', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await disposeTestDatabase(db);
  });

  it('reports a checksum that differs from the code, in migrate and in the schema status', async () => {
    const lines: string[] = [];
    const tracking = db.table('schema_migrations');
    await db.query(`UPDATE ${tracking} SET checksum = 'abcdef0123456789' WHERE version = 2`);
    try {
      const result = await migrate(db, { logger: createLogger('warn', (line) => lines.push(line)) });
      const tracing = BUNDLED_MIGRATIONS.find((m) => m.version === 2)!;
      expect(result.checksumMismatches).toEqual([
        { version: 2, name: tracing.name, stored: 'abcdef0123456789', expected: tracing.checksum },
      ]);
      expect(lines.join('')).toMatch(
        new RegExp(
          `migration 0002_${tracing.name} was applied with checksum abcdef012345, this pgtel ships ${tracing.checksum.slice(0, 12)}: its SQL changed after it was applied`,
        ),
      );
      expect((await schemaStatus(db)).checksumMismatches.map((m) => m.version)).toEqual([2]);
    } finally {
      await db.query(`UPDATE ${tracking} SET checksum = $1 WHERE version = 2`, [
        BUNDLED_MIGRATIONS.find((m) => m.version === 2)!.checksum,
      ]);
    }
    expect((await schemaStatus(db)).checksumMismatches).toEqual([]);
  });

  it('matches a database that recorded whole-file checksums, whatever the comments say now', async () => {
    const tracking = db.table('schema_migrations');
    const whole = BUNDLED_MIGRATIONS.filter((m) => m.wholeFileChecksum !== undefined);
    // Migrations 0004 and 0005 had their header comments corrected after databases recorded them.
    expect(whole.map((m) => m.version)).toEqual(expect.arrayContaining([1, 4, 5]));
    for (const m of whole)
      await db.query(`UPDATE ${tracking} SET checksum = $1 WHERE version = $2`, [
        m.wholeFileChecksum,
        m.version,
      ]);
    try {
      const lines: string[] = [];
      const result = await migrate(db, { logger: createLogger('warn', (line) => lines.push(line)) });
      expect(result.checksumMismatches).toEqual([]);
      expect(lines).toEqual([]);
      expect((await schemaStatus(db)).checksumMismatches).toEqual([]);
      // Recorded checksums are left as they are, so an older pgtel sharing the database agrees too.
      const { rows } = await db.query<{ checksum: string }>(
        `SELECT checksum FROM ${tracking} WHERE version = 4`,
      );
      expect(rows[0]!.checksum).toBe(whole.find((m) => m.version === 4)!.wholeFileChecksum);
    } finally {
      for (const m of whole)
        await db.query(`UPDATE ${tracking} SET checksum = $1 WHERE version = $2`, [m.checksum, m.version]);
    }
  });

  it('migrates a database recorded under an older file name and tracking table cleanly', async () => {
    const tracking = db.table('schema_migrations');
    // As a database migrated before the rename and before the breaking column: same version and checksum.
    await db.query(`UPDATE ${tracking} SET name = 'old_name' WHERE version = 1`);
    await db.exec(`ALTER TABLE ${tracking} DROP COLUMN breaking`);
    const result = await migrate(db, { logger: createLogger('silent') });
    expect(result).toMatchObject({ applied: [], checksumMismatches: [], newer: [] });
    expect(result.renamed).toEqual([{ version: 1, from: 'old_name', to: 'base_tables' }]);
    const { rows } = await db.query<{ name: string; breaking: boolean }>(
      `SELECT name, breaking FROM ${tracking} WHERE version = 1`,
    );
    expect(rows).toEqual([{ name: 'base_tables', breaking: false }]);
    expect((await migrate(db, { logger: createLogger('silent') })).renamed).toEqual([]);
  });
});

describe('migrate and the partition settings', () => {
  it('honours partitionsAhead and retention as given', async () => {
    const db = await openTestDatabase({ migrated: false });
    const months = async (table: string) =>
      (
        await db.query<{ relname: string }>(
          `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
          [db.table(table)],
        )
      ).rows
        .map((r) => r.relname)
        .filter((name) => name !== `${table}_default`);
    try {
      const january = Date.UTC(2026, 0, 15);
      await migrate(db, { partitionsAhead: 4, clock: { now: () => january } });
      expect(await months('spans')).toEqual(
        [0, 1, 2, 3, 4].map((m) => partitionName('spans', new Date(Date.UTC(2026, m, 1)))),
      );
      // In August, spans keep January by the override (spans' own retention is 30 days); metrics drop it (90).
      const august = Date.UTC(2026, 7, 15);
      await migrate(db, {
        partitionsAhead: 0,
        retentionDays: { spans: 365 },
        clock: { now: () => august },
      });
      expect(await months('spans')).toContain(partitionName('spans', new Date(Date.UTC(2026, 0, 1))));
      expect(await months('metrics')).not.toContain(partitionName('metrics', new Date(Date.UTC(2026, 0, 1))));
    } finally {
      await disposeTestDatabase(db);
    }
  }, 120_000);
});
