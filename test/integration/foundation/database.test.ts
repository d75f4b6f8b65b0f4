import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { DatabaseError } from '../../../src/errors.js';
import {
  disposeTestDatabase,
  onRealServer,
  openTestDatabase,
  testDatabaseUrl,
} from '../../helpers/testDatabase.js';

const TYPES_SQL = `SELECT 9007199254740991::int8 AS big, 12.25::numeric AS num, 1.5::float8 AS dbl, 7::int4 AS int,
  '2026-01-02 03:04:05.678+00'::timestamptz AS at, '2026-01-02'::date AS day, '{"a":[1,"x"]}'::jsonb AS doc,
  '{"b":2}'::json AS js, ARRAY[1,2]::int8[] AS bigs, ARRAY['2026-01-02T00:00:00Z'::timestamptz] AS ats,
  ARRAY['{"c":3}'::jsonb] AS docs, ARRAY['a','b c'] AS texts, true AS flag, NULL::text AS nothing`;

const EXPECTED = {
  big: 9007199254740991,
  num: 12.25,
  dbl: 1.5,
  int: 7,
  at: new Date('2026-01-02T03:04:05.678Z'),
  day: '2026-01-02',
  doc: { a: [1, 'x'] },
  js: { b: 2 },
  bigs: [1, 2],
  ats: [new Date('2026-01-02T00:00:00Z')],
  docs: [{ c: 3 }],
  texts: ['a', 'b c'],
  flag: true,
  nothing: null,
};

describe('database seam', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await disposeTestDatabase(db);
  });

  it('returns the same JS types for the same SQL', async () => {
    const { rows } = await db.query(TYPES_SQL);
    expect(rows[0]).toEqual(EXPECTED);
  });

  it('returns identical values from PGlite and from the server', async () => {
    const embedded = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', schema: db.schema });
    try {
      const [a, b] = await Promise.all([db.query(TYPES_SQL), embedded.query(TYPES_SQL)]);
      expect(a.rows).toEqual(b.rows);
    } finally {
      await embedded.close();
    }
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.exec(`CREATE TABLE ${db.table('tx_probe')} (v int)`);
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${tx.table('tx_probe')} VALUES (1)`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${tx.table('tx_probe')} VALUES (2)`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query(`SELECT v FROM ${db.table('tx_probe')}`)).rows).toEqual([{ v: 1 }]);
  });

  it('refuses writes in a read-only transaction', async () => {
    await expect(
      db.transaction((tx) => tx.query(`INSERT INTO ${tx.table('tx_probe')} VALUES (3)`), { readOnly: true }),
    ).rejects.toThrow(/read-only transaction/);
  });

  // PGlite runs single-threaded in WebAssembly and cannot interrupt a running statement.
  it.runIf(onRealServer)('cancels statements past their timeout on the server', async () => {
    await expect(
      db.transaction((tx) => tx.query('SELECT pg_sleep(2)'), { statementTimeoutMs: 50 }),
    ).rejects.toMatchObject({ code: 'PGTEL_DATABASE', sqlState: '57014' });
  });

  it('puts the SQL, never the parameter values, in a query error', async () => {
    const error = await db
      .query('SELECT $1::int AS broken', ['not-a-number-s3cr3t'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).sql).toBe('SELECT $1::int AS broken');
    expect((error as DatabaseError).sqlState).toBe('22P02');
    expect((error as DatabaseError).message).toMatch(/while running: SELECT \$1::int AS broken/);
    expect((error as DatabaseError).message).not.toContain('s3cr3t');
  });

  it('copies rows with tabs, newlines, backslashes, NUL, NaN and JSON intact', async () => {
    await db.copyRows(
      'metrics',
      ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'],
      [
        ['a\tb\nc\\d', Number.NaN, 'gauge', new Date(), { q: 'it\'s "x"', nul: 'a\0b' }],
        ['inf', Number.POSITIVE_INFINITY, 'gauge', new Date(), {}],
      ],
    );
    const { rows } = await db.query<{ metric_name: string; metric_value: number; labels: unknown }>(
      `SELECT metric_name, metric_value, labels FROM ${db.table('metrics')} ORDER BY id`,
    );
    expect(rows).toEqual([
      { metric_name: 'a\tb\nc\\d', metric_value: Number.NaN, labels: { q: 'it\'s "x"', nul: 'a\uFFFDb' } },
      { metric_name: 'inf', metric_value: Number.POSITIVE_INFINITY, labels: {} },
    ]);
  });
});

describe.runIf(onRealServer)('connection failures', () => {
  it('names the server without its password when it cannot connect', async () => {
    const url = 'postgres://pgtel:hunter2@127.0.0.1:1/test';
    const error = await openDatabase({ databaseUrl: url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(
      /^Cannot connect to PostgreSQL at postgres:\/\/pgtel:\*\*\*@127\.0\.0\.1:1\/test: /,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('reports a database that does not exist clearly', async () => {
    const url = testDatabaseUrl!.replace(/\/[^/]*$/, '/pgtel_no_such_db');
    await expect(openDatabase({ databaseUrl: url })).rejects.toThrow(
      /database "pgtel_no_such_db" does not exist/,
    );
  });
});
