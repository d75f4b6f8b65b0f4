import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { databaseCheck } from '../../../src/health/checks/databaseCheck.js';
import { httpCheck } from '../../../src/health/checks/httpCheck.js';
import { migrationsCheck } from '../../../src/health/checks/migrationsCheck.js';
import { poolSaturationCheck } from '../../../src/health/checks/poolSaturationCheck.js';
import { referenceTablesCheck } from '../../../src/health/checks/referenceTablesCheck.js';
import { replicaCheck } from '../../../src/health/checks/replicaCheck.js';
import type { HealthCheck } from '../../../src/health/HealthCheck.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import {
  disposeTestDatabase,
  onRealServer,
  openTestDatabase,
  testDatabaseUrl,
  useTestDatabase,
} from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
// Generous bounds where the test is not about timeouts: the shared server may be busy.
const slowOk = { timeoutMs: 5_000 };

/** Runs one check through a fresh checker and returns its result. */
async function run(check: HealthCheck) {
  const checker = new HealthChecker({ probeDeadlineMs: 10_000 });
  checker.addCheck({ ...check, probes: ['readiness'] });
  const status = await checker.readiness();
  return status.details.checks[check.name]!;
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('database check', () => {
  it('says "Connected" on a reachable database', async () => {
    expect(await run(databaseCheck(ctx.db, slowOk))).toMatchObject({
      healthy: true,
      status: 'pass',
      message: 'Connected',
    });
  });

  it.skipIf(!onRealServer)('a hung query is cancelled on the server by its statement timeout', async () => {
    const check = databaseCheck(ctx.db, { sql: 'SELECT pg_sleep(30)', timeoutMs: 200 });
    // Called with a signal that never aborts, the check only ends because the server cancels it.
    await expect(Promise.resolve(check.check(new AbortController().signal))).rejects.toThrow(
      /statement timeout/,
    );
    const result = await run(check);
    expect(result).toMatchObject({ healthy: false, message: 'Connection failed' });
    expect(result.error).toMatch(/timed out after 200 ms|statement timeout/);
    expect(await run(databaseCheck(ctx.db, slowOk))).toMatchObject({ healthy: true });
  });
});

describe('pool saturation check', () => {
  it('warns when every connection is busy and when callers wait, never fails', async () => {
    // PGlite has one connection; on the server a pool of two is enough to saturate.
    const db = onRealServer ? await openTestDatabase({ migrated: false, poolSize: 2 }) : ctx.db;
    try {
      expect(await run(poolSaturationCheck(db))).toMatchObject({ status: 'pass' });
      const release = gate();
      const held = Array.from({ length: db.kind === 'pglite' ? 2 : 3 }, () =>
        db.transaction(() => release.promise),
      );
      await new Promise((resolve) => setImmediate(resolve));
      let result = await run(poolSaturationCheck(db));
      for (let i = 0; i < 50 && !/waiting/.test(result.message); i++) {
        await new Promise((resolve) => setImmediate(resolve));
        result = await run(poolSaturationCheck(db));
      }
      expect(result).toMatchObject({ status: 'warn', healthy: true, critical: false });
      expect(result.message).toMatch(/waiting for a connection/);
      release.open();
      await Promise.all(held);
    } finally {
      if (db !== ctx.db) await disposeTestDatabase(db);
    }
  });
});

describe('read-only replica check', () => {
  it('passes on a writable primary; an expectation of read-only fails', async () => {
    expect(await run(replicaCheck(ctx.db, slowOk))).toMatchObject({ healthy: true, message: 'Writable' });
    expect(await run(replicaCheck(ctx.db, { ...slowOk, expect: 'read-only' }))).toMatchObject({
      healthy: false,
      message: 'Writable, expected read-only',
    });
  });

  it.skipIf(!onRealServer)('fails when sessions default to read-only', async () => {
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', '-c default_transaction_read_only=on');
    const db = await openDatabase({ databaseUrl: url.toString(), schema: 'unused_read_only' });
    try {
      expect(await run(replicaCheck(db, slowOk))).toMatchObject({
        healthy: false,
        message: 'Read-only: default_transaction_read_only is on',
      });
    } finally {
      await db.close();
    }
  });
});

describe('migrations check, and a closed database', () => {
  it('passes once migrated (a newer additive schema too), fails while pending or behind a breaking one; "Connection failed" once closed', async () => {
    expect(await run(migrationsCheck(ctx.db, slowOk))).toMatchObject({ healthy: true });
    const tracking = ctx.db.table('schema_migrations');
    await ctx.db.exec(`INSERT INTO ${tracking} (version, name, checksum) VALUES (9999, 'future', 'x')`);
    try {
      const additive = await run(migrationsCheck(ctx.db, slowOk));
      expect(additive).toMatchObject({ healthy: true });
      expect(additive.message).toMatch(/^Schema at version 9999, newer than this pgtel .* additive/);
      await ctx.db.exec(`UPDATE ${tracking} SET breaking = true WHERE version = 9999`);
      const breaking = await run(migrationsCheck(ctx.db, slowOk));
      expect(breaking).toMatchObject({ healthy: false });
      expect(breaking.message).toMatch(
        /^Schema version 9999 is newer than this pgtel .* breaking migration 9999_future/,
      );
    } finally {
      await ctx.db.exec(`DELETE FROM ${tracking} WHERE version = 9999`);
    }
    const fresh = await openTestDatabase({ migrated: false });
    try {
      const result = await run(migrationsCheck(fresh, slowOk));
      expect(result).toMatchObject({ healthy: false });
      expect(result.message).toMatch(/^Migrations pending: 0001_base_tables/);
    } finally {
      await disposeTestDatabase(fresh);
    }
    const closed = await run(databaseCheck(fresh, slowOk));
    expect(closed).toMatchObject({ healthy: false, message: 'Connection failed' });
    expect(closed.error).toBeTruthy();
  });
});

describe('reference tables check', () => {
  it('fails on a missing or empty table, passes once every table holds a row', async () => {
    const db = ctx.db;
    const a = `${db.schema}.ref_a`;
    const b = `${db.schema}.ref_b`;
    const check = referenceTablesCheck(db, [a, b], slowOk);
    expect((await run(check)).message).toBe(`Reference tables missing: ${a}, ${b}`);
    await db.exec(`CREATE TABLE ${db.table('ref_a')} (id int); CREATE TABLE ${db.table('ref_b')} (id int)`);
    await db.exec(`INSERT INTO ${db.table('ref_a')} VALUES (1)`);
    expect(await run(check)).toMatchObject({ healthy: false, message: `Reference tables empty: ${b}` });
    await db.exec(`INSERT INTO ${db.table('ref_b')} SELECT generate_series(1, 1000)`);
    expect(await run(check)).toMatchObject({
      healthy: true,
      message: `Reference tables populated: ${a}, ${b}`,
    });
  });

  it('refuses a bad table name when created, and an empty list', () => {
    expect(() => referenceTablesCheck(ctx.db, ['x; DROP TABLE y'])).toThrow(/invalid table name/);
    expect(() => referenceTablesCheck(ctx.db, [])).toThrow(/at least one table/);
  });
});

describe('HTTP dependency check', () => {
  let server: Server;
  let base: string;
  let hung: (() => void)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/hang')) {
        hung.push(() => res.destroy());
        return;
      }
      res.writeHead(req.url === '/down' ? 503 : 200).end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const end of hung) end();
    hung = [];
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes on 2xx, fails on 503, on a refused connection and on a hang (request aborted)', async () => {
    expect(await run(httpCheck(`${base}/ok`))).toMatchObject({ healthy: true, message: 'HTTP 200' });
    expect(await run(httpCheck(`${base}/down`, { name: 'down' }))).toMatchObject({
      healthy: false,
      message: 'HTTP 503',
    });
    const refused = await run(httpCheck('http://127.0.0.1:1/', { name: 'refused' }));
    expect(refused.healthy).toBe(false);
    const hang = await run(httpCheck(`${base}/hang?token=abc`, { name: 'hang', timeoutMs: 50 }));
    expect(hang).toMatchObject({ healthy: false, message: 'timed out after 50 ms' });
    expect(JSON.stringify(hang)).not.toContain('token=abc');
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => httpCheck('ftp://example.com')).toThrow(/http\(s\) URL/);
    expect(() => httpCheck('not a url')).toThrow(/absolute http\(s\) URL/);
  });
});
