import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDueRules } from '../../src/alerts/rules/evaluateDueRules.js';
import { deleteAlertRule, saveAlertRules } from '../../src/alerts/rules/ruleStore.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { createLogger } from '../../src/logger.js';
import { migrate } from '../../src/schema/migrate.js';
import {
  READER_FUNCTION,
  READER_FUNCTION_ARGS,
  READER_ROLE,
  readerRoleReady,
} from '../../src/schema/readerRole.js';
import { runAsReader } from '../../src/schema/runAsReader.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { runPgtelInProcess } from '../e2e/cli/runPgtel.js';
import { onRealServer, testDatabaseUrl, uniqueSchema, useTestDatabase } from '../helpers/testDatabase.js';

// User SQL (pgtel query, SQL alert rules) runs as pgtel_reader: SELECT on pgtel's schema and
// nothing else, inside a SECURITY DEFINER function (no way back to the connecting role), READ ONLY,
// always rolled back. Each call below was once possible as a superuser.
const ctx = useTestDatabase();
const read = (sql: string) =>
  runAsReader(ctx.db, sql, { rowLimit: 10, at: new Date(), statementTimeoutMs: 5_000 });
const otherSchema = uniqueSchema('other');

/** What must stay as it was after every refused call. */
async function persistentState() {
  const [objects, slots, settings] = await Promise.all([
    ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_largeobject_metadata'),
    ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_replication_slots'),
    ctx.db.query<{ path: string }>('SELECT current_setting($1) AS path', ['search_path']),
  ]);
  return { objects: objects.rows[0]!.n, slots: slots.rows[0]!.n, searchPath: settings.rows[0]!.path };
}

beforeAll(async () => {
  await ctx.db.exec(`CREATE SCHEMA ${quoteIdent(otherSchema)};
    CREATE TABLE ${quoteIdent(otherSchema)}.secrets (token text);
    INSERT INTO ${quoteIdent(otherSchema)}.secrets VALUES ('s3cret')`);
});
afterAll(async () => {
  await ctx.db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(otherSchema)} CASCADE`);
});

// Embedded PGlite enforces roles and privileges the same way, though it runs as one superuser.
describe('user SQL as the pgtel_reader role', () => {
  it('is set up by migrate: user SQL reads pgtel`s tables as pgtel_reader, unqualified', async () => {
    expect(await readerRoleReady(ctx.db)).toBe(true);
    const [row] = await read('SELECT current_user AS who, count(*)::int AS spans FROM spans');
    expect(row).toEqual({ who: READER_ROLE, spans: 0 });
  });

  const refused: [string, string, RegExp][] = [
    ['lo_import reads a server file', "SELECT lo_import('/etc/hostname')", /permission denied/],
    [
      'a physical replication slot',
      "SELECT pg_create_physical_replication_slot('pgtel_reader_test')",
      /must be superuser or replication role|permission denied/,
    ],
    ['pg_switch_wal', 'SELECT pg_switch_wal()', /permission denied/],
    ['pg_reload_conf', 'SELECT pg_reload_conf()', /permission denied/],
    ['pg_read_file', "SELECT pg_read_file('/etc/passwd')", /permission denied/],
    ['pg_ls_dir', "SELECT pg_ls_dir('/')", /permission denied/],
    ['pg_authid', 'SELECT rolname, rolpassword FROM pg_authid', /permission denied/],
    [
      'SQL text run by query_to_xml',
      "SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '')",
      /permission denied/,
    ],
    ['set_config of role', "SELECT set_config('role', 'postgres', false)", /security-definer/],
    [
      'set_config of session_authorization',
      "SELECT set_config('session_authorization', 'postgres', false)",
      /security-definer/,
    ],
    [
      'set_config of a superuser setting',
      "SELECT set_config('log_statement', 'all', false)",
      /permission denied/,
    ],
    ['SET', 'SET search_path = public', /syntax error/],
    ['DELETE', 'DELETE FROM spans', /syntax error/],
  ];
  for (const [what, sql, error] of refused) {
    it(`refuses ${what}, leaving nothing behind`, async () => {
      const before = await persistentState();
      await expect(read(sql)).rejects.toThrow(error);
      expect(await persistentState()).toEqual(before);
    });
  }

  it('refuses another schema`s table', async () => {
    await expect(read(`SELECT token FROM ${quoteIdent(otherSchema)}.secrets`)).rejects.toThrow(
      /permission denied for schema/,
    );
  });

  it('keeps a large object or a user setting only inside its transaction, which is rolled back', async () => {
    // Any role may change its own settings, and PostgreSQL before 17 lets it create large objects
    // even in a READ ONLY transaction: the rollback undoes both.
    const before = await persistentState();
    await read('SELECT lo_create(0) > 0 AS created').then(
      (rows) => expect(rows).toEqual([{ created: true }]),
      (error: Error) =>
        expect(error.message).toMatch(/cannot execute lo_create\(\) in a read-only transaction/),
    );
    expect(await read("SELECT set_config('search_path', 'public', false) AS path")).toEqual([
      { path: 'public' },
    ]);
    expect(await persistentState()).toEqual(before);
  });

  it.runIf(onRealServer)(
    'pgtel query answers each refusal with the server`s reason and exit code 1',
    async () => {
      const env = { PGTEL_DATABASE_URL: testDatabaseUrl!, PGTEL_SCHEMA: ctx.db.schema };
      const run = await runPgtelInProcess(['query', "SELECT pg_read_file('/etc/passwd')"], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/permission denied for function pg_read_file/);
      expect(run.stdout).not.toContain('root:');
      const ok = await runPgtelInProcess(['query', 'SELECT current_user AS who', '--json'], env);
      expect(JSON.parse(ok.stdout).rows).toEqual([{ who: READER_ROLE }]);
    },
  );

  it('a SQL alert rule runs as pgtel_reader too: a refused call puts the rule in its error state', async () => {
    const clock = new ManualClock('2026-03-10T12:00:00Z');
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'reads-files',
          source: { kind: 'sql', sql: "SELECT length(pg_read_file('/etc/passwd'))::float8 AS value" },
          levels: [{ severity: 'warning', threshold: 1 }],
        },
      ],
      clock,
    );
    const summary = await evaluateDueRules(ctx.db, { clock });
    expect(summary.errors[0]?.error).toMatch(/permission denied for function pg_read_file/);
    await deleteAlertRule(ctx.db, 'reads-files');
  });
});

describe.runIf(onRealServer)('a superuser connection without pgtel_reader', () => {
  it('runs user SQL as the connecting role, and pgtel doctor warns loudly; migrate sets the role up again', async () => {
    const fn = `${ctx.db.table(READER_FUNCTION)}${READER_FUNCTION_ARGS}`;
    await ctx.db.exec(`DROP FUNCTION ${fn}`);
    try {
      expect(await read('SELECT current_user AS who')).toEqual([{ who: 'postgres' }]);
      const env = { PGTEL_DATABASE_URL: testDatabaseUrl!, PGTEL_SCHEMA: ctx.db.schema };
      const doctor = await runPgtelInProcess(['doctor', '--json'], env);
      const finding = (
        JSON.parse(doctor.stdout) as { findings: { check: string; status: string; message: string }[] }
      ).findings.find((f) => f.check === 'query role');
      expect(finding?.status).toBe('warn');
      expect(finding?.message).toMatch(/^WARNING: role pgtel_reader is not set up.*superuser postgres/);
    } finally {
      await migrate(ctx.db);
    }
    expect(await read('SELECT current_user AS who')).toEqual([{ who: READER_ROLE }]);
  });
});

describe.runIf(onRealServer)('a connecting role that may not create roles', () => {
  it('migrates all the same, pgtel_reader left alone, and user SQL runs as that (non-superuser) role', async () => {
    const role = uniqueSchema('pgtel_app');
    const schema = uniqueSchema('plain');
    await ctx.db.exec(`CREATE ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEROLE;
      GRANT CREATE ON DATABASE ${quoteIdent(new URL(testDatabaseUrl!).pathname.slice(1))} TO ${quoteIdent(role)}`);
    const url = new URL(testDatabaseUrl!);
    url.username = role;
    const db = await openDatabase({ databaseUrl: url.toString(), schema, poolSize: 1 });
    try {
      await migrate(db, { logger: createLogger('silent') });
      expect(await readerRoleReady(db)).toBe(false);
      const rows = await runAsReader(db, 'SELECT current_user AS who, count(*)::int AS spans FROM spans', {
        rowLimit: 1,
        at: new Date(),
        statementTimeoutMs: 5_000,
      });
      expect(rows).toEqual([{ who: role, spans: 0 }]);
    } finally {
      await db.exec(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
      await db.close();
      await ctx.db.exec(`REVOKE ALL ON DATABASE ${quoteIdent(url.pathname.slice(1))} FROM ${quoteIdent(role)};
        DROP ROLE ${quoteIdent(role)}`);
    }
  });
});
