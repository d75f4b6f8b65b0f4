import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import type { OtlpSinks } from '../../../src/http/otlpHandlers.js';
import { createOtlpSinks } from '../../../src/http/otlpSinks.js';
import { createLogger } from '../../../src/logger.js';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import type { DecodedMetrics, DecodedTraces } from '../../../src/otlp/otlpModel.js';
import { Spool } from '../../../src/spool/Spool.js';
import { SpoolFullError } from '../../../src/spool/SpoolFullError.js';
import { SpoolingSinks } from '../../../src/spool/SpoolingSinks.js';
import { eventually } from '../../helpers/eventually.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';

const ctx = useTestDatabase();
const root = mkdtempSync(join(tmpdir(), 'pgtel-spooling-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const newFolder = () => join(root, `d${folders++}`);
const logger = createLogger('silent');
const retry = { baseMs: 20, maxMs: 200 };

let spanCounter = 0;
/** One decoded OTLP trace request of `count` spans of `service`; returns it and its span ids. */
async function traceRequest(
  service: string,
  count: number,
): Promise<{ decoded: DecodedTraces; ids: string[] }> {
  const { body, ids } = traceBody(service, count);
  return { decoded: await decodeTraceRequest(Buffer.from(body), 'application/json'), ids };
}

/** The OTLP/JSON body of a trace request of `count` spans of `service`. */
function otlpJson(service: string, count: number): string {
  return traceBody(service, count).body;
}

function traceBody(service: string, count: number): { body: string; ids: string[] } {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  const traceId = (++spanCounter).toString(16).padStart(32, 'a');
  const ids = Array.from({ length: count }, () => (++spanCounter).toString(16).padStart(16, 'b'));
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'spool-test' },
            spans: ids.map((spanId) => ({
              traceId,
              spanId,
              name: 'work',
              kind: 1,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(start + 1_000_000n),
            })),
          },
        ],
      },
    ],
  });
  return { body, ids };
}

function gaugeRequest(name: string, value: number): Promise<DecodedMetrics> {
  const body = JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'spool-test' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                gauge: {
                  dataPoints: [{ asDouble: value, timeUnixNano: String(BigInt(Date.now()) * 1_000_000n) }],
                },
              },
            ],
          },
        ],
      },
    ],
  });
  return decodeMetricsRequest(Buffer.from(body), 'application/json');
}

async function storedSpans(db: Database, service: string): Promise<{ total: number; distinct: number }> {
  const { rows } = await db.query<{ total: number; distinct: number }>(
    `SELECT count(*)::int AS total, count(DISTINCT span_id)::int AS distinct
       FROM ${db.table('spans')} WHERE service_name = $1`,
    [service],
  );
  return rows[0]!;
}

/** The real database sinks, noting the gauge values in the order their stores committed. */
function recordingSinks(db: Database, committed: number[]): OtlpSinks {
  const real = createOtlpSinks(db, systemClock);
  return {
    traces: (d) => real.traces(d),
    logs: (d) => real.logs(d),
    async metrics(d) {
      await real.metrics(d);
      for (const m of d.metrics) for (const p of m.dataPoints) committed.push((p as { value: number }).value);
    },
  };
}

describe('SpoolingSinks', () => {
  it('stores directly while the database answers, leaving nothing on disk', async () => {
    const folder = newFolder();
    const sinks = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
    });
    const { decoded } = await traceRequest('direct', 3);
    await sinks.traces(decoded);
    expect(await storedSpans(ctx.db, 'direct')).toEqual({ total: 3, distinct: 3 });
    expect(sinks.stats()).toMatchObject({ records: 0, bytes: 0, deadLetters: 0 });
    await sinks.close();
    expect(() => readdirSync(folder)).toThrow(/ENOENT/); // empty slot and folder removed, lock released
  });

  it('lets a refused request fail as before (not spooled)', async () => {
    const sinks = await SpoolingSinks.open({
      inner: {
        traces: async () => {
          throw new TypeError('a bug, not an outage');
        },
        metrics: async () => {},
        logs: async () => {},
      },
      folder: newFolder(),
      maxBytes: 1024 * 1024,
      logger,
      retry,
    });
    const { decoded } = await traceRequest('refused', 1);
    await expect(sinks.traces(decoded)).rejects.toThrow(/a bug/);
    expect(sinks.stats().records).toBe(0);
    await sinks.close();
  });

  it('drains what a previous run left, moves a record the database refuses to the dead-letter file', async () => {
    const folder = newFolder();
    // A previous run (of this slot) left three records: good, unusable, good.
    const left = await Spool.open(join(folder, '0'), { maxBytes: 1024 * 1024 });
    const first = await traceRequest('left-behind', 2);
    const second = await traceRequest('left-behind', 3);
    await left.append(serialize(first.decoded), 1);
    await left.append(serialize({ spans: 'not spans', rejected: 0, errorMessage: '' }), 1);
    await left.append(Buffer.from('not v8 at all'), 2);
    await left.append(serialize(second.decoded), 1);
    await left.close();
    const deadLettered: string[] = [];
    const sinks = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
      onDeadLetter: (signal) => deadLettered.push(signal),
    });
    await eventually(async () => (sinks.stats().records === 0 ? true : undefined), 'the spool to drain');
    expect(await storedSpans(ctx.db, 'left-behind')).toEqual({ total: 5, distinct: 5 });
    expect(sinks.stats()).toMatchObject({ records: 0, deadLetters: 2 });
    expect(deadLettered).toEqual(['traces', 'metrics']);
    await sinks.close();
    expect(readdirSync(join(folder, '0'))).toContain('dead-letter.log'); // kept for an operator
  });

  it('adopts the slot of a process that died, and leaves a live one alone', async () => {
    const folder = newFolder();
    const orphan = await Spool.open(join(folder, '3'), { maxBytes: 1024 * 1024 });
    const request = await traceRequest('orphaned', 2);
    await orphan.append(serialize(request.decoded), 1);
    await orphan.close();
    const a = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
    });
    const b = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
    });
    expect(a.stats().folder).toBe(join(folder, '0'));
    expect(b.stats().folder).toBe(join(folder, '1'));
    await eventually(async () => (a.stats().records === 0 ? true : undefined), 'the orphan to drain');
    expect(await storedSpans(ctx.db, 'orphaned')).toEqual({ total: 2, distinct: 2 });
    await a.close();
    await b.close();
    expect(() => readdirSync(folder)).toThrow(/ENOENT/);
  });

  it('drains a slot whose lock names this pid but was left by a previous process (a container pid 1)', async () => {
    const folder = newFolder();
    const left = await Spool.open(join(folder, '0'), { maxBytes: 1024 * 1024 });
    const request = await traceRequest('same-pid', 2);
    await left.append(serialize(request.decoded), 1);
    await left.close();
    writeFileSync(join(folder, '0.lock'), String(process.pid));
    const sinks = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
    });
    expect(sinks.stats().folder).toBe(join(folder, '0'));
    await eventually(async () => (sinks.stats().records === 0 ? true : undefined), 'the spool to drain');
    expect(await storedSpans(ctx.db, 'same-pid')).toEqual({ total: 2, distinct: 2 });
    await sinks.close();
  });

  it('finds, while running, the slot of a process that died since it started', async () => {
    const folder = newFolder();
    const sinks = await SpoolingSinks.open({
      inner: createOtlpSinks(ctx.db, systemClock),
      folder,
      maxBytes: 1024 * 1024,
      logger,
      retry,
      orphanScanMs: 50,
    });
    const died = await Spool.open(join(folder, '7'), { maxBytes: 1024 * 1024 });
    const request = await traceRequest('died-later', 3);
    await died.append(serialize(request.decoded), 1);
    await died.close();
    await eventually(
      async () => ((await storedSpans(ctx.db, 'died-later')).total === 3 ? true : undefined),
      'the orphan to be found and drained',
    );
    await eventually(async () => (readdirSync(folder).includes('7') ? undefined : true), 'the slot to go');
    await sinks.close();
  });

  // PGlite has one connection: a lock held by another session cannot be played there.
  it.skipIf(!onRealServer)(
    'answers in time when the database is too slow, and the slow store and the replay keep one copy',
    async () => {
      const sinks = await SpoolingSinks.open({
        inner: createOtlpSinks(ctx.db, systemClock),
        folder: newFolder(),
        maxBytes: 1024 * 1024,
        logger,
        retry,
        directTimeoutMs: 300,
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = ctx.db.transaction(async (tx) => {
        await tx.exec(`LOCK TABLE ${ctx.db.table('spans')} IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      });
      try {
        await lockTaken;
        const { decoded } = await traceRequest('slow', 4);
        const started = Date.now();
        await sinks.traces(decoded);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(sinks.stats().records).toBe(1);
      } finally {
        release();
        await holder;
      }
      await eventually(async () => (sinks.stats().records === 0 ? true : undefined), 'the spool to drain');
      expect(await storedSpans(ctx.db, 'slow')).toEqual({ total: 4, distinct: 4 });
      await sinks.close();
    },
    30_000,
  );

  it.skipIf(!onRealServer)(
    'keeps requests through a database outage, answers at once, and stores them in order once it is back',
    async () => {
      const url = new URL(testDatabaseUrl!);
      const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      await proxy.start();
      url.host = `127.0.0.1:${proxy.port}`;
      const db = await openDatabase({ databaseUrl: url.toString(), schema: ctx.db.schema, poolSize: 2 });
      const committed: number[] = [];
      const spooled: string[] = [];
      const sinks = await SpoolingSinks.open({
        inner: recordingSinks(db, committed),
        folder: newFolder(),
        maxBytes: 64 * 1024,
        logger,
        retry,
        onSpooled: (signal) => spooled.push(signal),
      });
      try {
        await sinks.metrics(await gaugeRequest('spool.order', 0));
        expect(committed).toEqual([0]);
        await proxy.stop();
        const sent: string[] = [];
        for (let i = 1; i <= 5; i++) {
          const { decoded, ids } = await traceRequest('outage', 4);
          await sinks.traces(decoded); // resolves: kept on disk
          sent.push(...ids);
          await sinks.metrics(await gaugeRequest('spool.order', i));
        }
        expect(spooled).toEqual(Array.from({ length: 5 }, () => ['traces', 'metrics']).flat());
        expect(sinks.stats().records).toBe(10);
        expect(sinks.stats().oldestAppendedAt).toBeLessThanOrEqual(Date.now());
        // The budget is bytes on disk: past it, a request is refused (503), never dropped silently.
        const big = await traceRequest('outage-too-big', 400);
        await expect(sinks.traces(big.decoded)).rejects.toBeInstanceOf(SpoolFullError);
        await proxy.start();
        await eventually(async () => (sinks.stats().records === 0 ? true : undefined), 'the spool to drain');
        expect(committed).toEqual([0, 1, 2, 3, 4, 5]);
        expect(await storedSpans(ctx.db, 'outage')).toEqual({ total: sent.length, distinct: sent.length });
        // Back to direct stores.
        await sinks.metrics(await gaugeRequest('spool.order', 6));
        expect(committed.at(-1)).toBe(6);
        expect(spooled).toHaveLength(10);
      } finally {
        await sinks.close();
        await db.close();
        await proxy.stop();
      }
    },
    60_000,
  );

  it.skipIf(!onRealServer)(
    'over HTTP: 200 while the spool takes requests, then 503 with Retry-After once it is full',
    async () => {
      const url = new URL(testDatabaseUrl!);
      const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      await proxy.start();
      url.host = `127.0.0.1:${proxy.port}`;
      const server = await startTestServer({
        databaseUrl: url.toString(),
        spoolDir: newFolder(),
        spoolMaxBytes: 4096,
      });
      let cut = false;
      const post = (service: string) =>
        fetch(`${server.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: otlpJson(service, 5),
        });
      try {
        expect((await post('http-ok')).status).toBe(200);
        await proxy.stop();
        cut = true;
        const statuses: number[] = [];
        let refused: Response | undefined;
        for (let i = 0; i < 20 && !refused; i++) {
          const response = await post('http-outage');
          statuses.push(response.status);
          if (response.status !== 200) refused = response;
        }
        expect(statuses[0]).toBe(200);
        expect(refused?.status).toBe(503);
        expect(refused?.headers.get('retry-after')).toBe('5');
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        expect(metrics).toMatch(new RegExp(`^pgtel_spool_records ${statuses.length - 1}$`, 'm'));
        expect(metrics).toMatch(/^pgtel_spooled_total\{signal="traces"\} \d+$/m);
        await proxy.start();
        cut = false;
        await eventually(
          async () =>
            /^pgtel_spool_records 0$/m.test(await (await fetch(`${server.url}/metrics`)).text())
              ? true
              : undefined,
          'the spool to drain',
        );
      } finally {
        if (cut) await proxy.start();
        await stopTestServer(server);
        await proxy.stop();
      }
    },
    60_000,
  );
});
