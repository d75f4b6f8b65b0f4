// Transient conditions answer 503 (or 429) with Retry-After, never 500, within the ingest deadline,
// and the pool recovers: pool exhausted, database stalled (a proxy that stops forwarding), a lock
// held by another session. Needs the real server: PGlite has no pool and no network.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseSession } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { createLogger } from '../../../src/logger.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { eventually } from '../../helpers/eventually.js';
import { minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';

// These servers run with the spool off (spoolMaxBytes: 0): they test the answer when pgtel cannot keep a
// request. With the spool on, the same requests are kept and answered 200 (test/integration/spool).

function postSpans(server: PgtelServer, traceId: string, count = 3): Promise<Response> {
  return fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: minimalSpansRequest(count, traceId),
  });
}

async function storedSpans(server: PgtelServer, traceId: string): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${server.db.table('spans')} WHERE trace_id = $1`,
    [traceId],
  );
  return rows[0]!.n;
}

/** Runs `fn` in a transaction held open until the returned release is called. */
function holdTransaction(
  server: PgtelServer,
  fn: (tx: DatabaseSession) => Promise<void> = async () => {},
): Promise<() => Promise<void>> {
  return new Promise((started, failed) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const done = server.db.transaction(async (tx) => {
      await fn(tx);
      started(async () => {
        release();
        await done;
      });
      await held;
    });
    done.catch(failed);
  });
}

const logLines: string[] = [];
const logger = createLogger('warn', (line) => logLines.push(line));

describe.skipIf(!onRealServer)('pool exhausted', () => {
  let server: PgtelServer;
  beforeAll(async () => {
    server = await startTestServer({ poolSize: 1, poolAcquireTimeoutMs: 300, logger, spoolMaxBytes: 0 });
  });
  afterAll(() => stopTestServer(server));

  it('OTLP answers 503 with Retry-After (not 500), logs it once, and stores the retry', async () => {
    const traceId = randomBytes(16).toString('hex');
    const release = await holdTransaction(server);
    logLines.length = 0;
    const refused = await postSpans(server, traceId);
    await release();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    const lines = logLines.filter((l) => l.includes('/v1/traces answered 503'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no database connection became free in time/);
    const retried = await postSpans(server, traceId);
    expect(retried.status).toBe(200);
    expect(await storedSpans(server, traceId)).toBe(3);
  });

  it('the JSON API answers 503 PGTEL_UNAVAILABLE with Retry-After after the acquire timeout', async () => {
    const release = await holdTransaction(server);
    const started = performance.now();
    const response = await fetch(`${server.url}/api/services`);
    const elapsed = performance.now() - started;
    await release();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      error: { code: 'PGTEL_UNAVAILABLE', message: 'database unavailable, retry later' },
    });
    expect(elapsed).toBeLessThan(3000);
    expect((await fetch(`${server.url}/api/services`)).status).toBe(200);
  });
});

describe.skipIf(!onRealServer)('database stalled behind a proxy that stops forwarding', () => {
  let proxy: TcpProxy;
  let server: PgtelServer;
  const DEADLINE_MS = 1500;
  beforeAll(async () => {
    const target = new URL(testDatabaseUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(testDatabaseUrl!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer({
      spoolMaxBytes: 0,
      databaseUrl: viaProxy.toString(),
      poolSize: 2,
      poolAcquireTimeoutMs: 1000,
      ingestDeadlineMs: DEADLINE_MS,
    });
  });
  afterEach(() => proxy.thaw());
  afterAll(async () => {
    proxy.thaw();
    await stopTestServer(server);
    await proxy.stop();
  });

  it('answers 503 within the deadline, frees the connections, and stores the retry once it thaws', async () => {
    expect((await postSpans(server, randomBytes(16).toString('hex'))).status).toBe(200);
    proxy.freeze();
    const traceId = randomBytes(16).toString('hex');
    const started = performance.now();
    const answers = await Promise.all([postSpans(server, traceId), postSpans(server, traceId)]);
    const elapsed = performance.now() - started;
    expect(answers.map((r) => r.status)).toEqual([503, 503]);
    expect(answers[0]!.headers.get('retry-after')).toBe('5');
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1500);
    // The connections busy at the deadline were cut, not left waiting on the stalled server.
    // A connection still being opened for a waiter gives up at the pool's acquire timeout (1 s).
    await eventually(
      async () => (server.db.poolStats().total === 0 ? true : undefined),
      'the pool to let go of the stalled connections',
      2000,
    );
    proxy.thaw();
    const retried = await postSpans(server, traceId);
    expect(retried.status).toBe(200);
    expect(await storedSpans(server, traceId)).toBe(3);
  });
});

describe.skipIf(!onRealServer)('a lock held by another session', () => {
  let server: PgtelServer;
  const DEADLINE_MS = 1000;
  beforeAll(async () => {
    server = await startTestServer({ ingestDeadlineMs: DEADLINE_MS, spoolMaxBytes: 0 });
  });
  afterAll(() => stopTestServer(server));

  it('cancels the blocked statement at the deadline (503) and the next request is stored', async () => {
    const other = await openDatabase({ databaseUrl: testDatabaseUrl, schema: server.db.schema });
    try {
      let unlock!: () => void;
      const locked = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      let lockTaken!: () => void;
      const taken = new Promise<void>((resolve) => {
        lockTaken = resolve;
      });
      const holder = other.transaction(async (tx) => {
        await tx.exec(`LOCK TABLE ${tx.table('spans')} IN ACCESS EXCLUSIVE MODE`);
        lockTaken();
        await locked;
      });
      await taken;
      const traceId = randomBytes(16).toString('hex');
      const started = performance.now();
      const refused = await postSpans(server, traceId);
      const elapsed = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(elapsed).toBeLessThan(DEADLINE_MS + 1500);
      // Nothing of the refused request is still waiting on the lock: the server cancelled it.
      const { rows } = await other.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = 'pgtel' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      expect(rows[0]!.n).toBe(0);
      unlock();
      await holder;
      expect((await postSpans(server, traceId)).status).toBe(200);
      expect(await storedSpans(server, traceId)).toBe(3);
    } finally {
      await other.close();
    }
  });
});
