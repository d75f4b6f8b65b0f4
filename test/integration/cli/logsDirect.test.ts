import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { migrate } from '../../../src/schema/migrate.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

// No server: the CLI opens the database and answers through the in-process API app, the live tail
// included.
const folder = mkdtempSync(join(tmpdir(), 'pgtel-cli-logs-'));
const schema = uniqueSchema('clilog');
const env: NodeJS.ProcessEnv = testDatabaseUrl
  ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, NO_COLOR: '1' }
  : { PGTEL_DATA_DIR: join(folder, 'data'), PGTEL_SCHEMA: schema, NO_COLOR: '1' };

beforeAll(async () => {
  const db = await openDatabase({ databaseUrl: testDatabaseUrl, dataDir: join(folder, 'data'), schema });
  try {
    await migrate(db);
    await insertLogRows(db, [
      { at: new Date(Date.now() - 60_000), body: 'stored before', service: 'direct' },
    ]);
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

describe('pgtel logs --follow without a server', () => {
  it('prints the recent records, follows, and stops cleanly when interrupted', async () => {
    const stop = new AbortController();
    let out = '';
    let started: () => void;
    const printed = new Promise<void>((resolve) => {
      started = resolve;
    });
    const run = runCli(['logs', '--follow', '--service', 'direct'], {
      out: (t) => {
        out += t;
        started();
      },
      err: () => {},
      env,
      signal: stop.signal,
    });
    await printed;
    expect(out).toMatch(/INFO {2}direct {2}stored before\n/);
    // Give the tail time to be streaming, then interrupt it as Ctrl-C does.
    await new Promise((r) => setTimeout(r, 500));
    const interrupted = Date.now();
    stop.abort();
    expect(await run).toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(3000);
  });
});
