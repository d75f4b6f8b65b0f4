import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { readOnlyQuery } from '../../../src/http/api/readOnlyQuery.js';
import { responseForError } from '../../../src/http/httpError.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { onRealServer, useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from './apiTestApp.js';
import { seedApiData, TRACE_ID } from './seedApiData.js';

const ctx = useTestDatabase();

function deps(queryTimeoutMs = 5000) {
  return {
    db: ctx.db,
    health: new HealthChecker(),
    config: { queryTimeoutMs, authScopes: [], apiToken: undefined },
  };
}

describe('user-driven queries', () => {
  it('run in a read-only transaction: a write is refused by the database', async () => {
    const mode = await readOnlyQuery(
      deps(),
      async (tx) =>
        (await tx.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro")).rows[0]!.ro,
    );
    expect(mode).toBe('on');
    const write = readOnlyQuery(deps(), (tx) =>
      tx.query(
        `INSERT INTO ${tx.table('alerts')} (alert_type, severity, title, message) VALUES ('x', 'info', 't', 'm')`,
      ),
    );
    await expect(write).rejects.toMatchObject({ code: 'PGTEL_DATABASE', sqlState: '25006' });
  });

  it('carry the configured statement timeout', async () => {
    const setting = await readOnlyQuery(
      deps(1234),
      async (tx) =>
        (await tx.query<{ t: string }>("SELECT current_setting('statement_timeout') AS t")).rows[0]!.t,
    );
    expect(setting).toBe('1234ms');
  });

  it.skipIf(!onRealServer)('answer 504 when a query outlives the timeout', async () => {
    const error = await readOnlyQuery(deps(50), (tx) => tx.query('SELECT pg_sleep(2)')).catch(
      (e: unknown) => e,
    );
    const response = responseForError(error);
    expect(response.status).toBe(504);
  });
});

describe('over a real socket', () => {
  it('serves the API and the vendored chart library on a loopback port', async () => {
    const clock = new ManualClock();
    await seedApiData(ctx.db, clock);
    const app = createTestApp(ctx.db, clock);
    const server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const trace = await fetch(`${base}/api/traces/${TRACE_ID}`);
      expect(trace.status).toBe(200);
      expect(trace.headers.get('content-type')).toMatch(/application\/json/);
      expect(trace.headers.get('cache-control')).toBe('no-store');
      expect(((await trace.json()) as { spanCount: number }).spanCount).toBe(4);
      const bad = await fetch(`${base}/api/traces?limit=-1`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'PGTEL_INVALID' } });
      const chart = await fetch(`${base}/vendor/uplot/uPlot.esm.js`);
      expect(chart.status).toBe(200);
      expect(chart.headers.get('content-type')).toMatch(/javascript/);
      expect(await chart.text()).toContain('export');
      expect((await fetch(`${base}/vendor/uplot/..%2f..%2fpackage.json`)).status).toBe(404);
      expect((await fetch(`${base}/vendor/nothing/x.js`)).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
