import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { readSpoolDepth } from '../../../src/spool/readSpoolDepth.js';
import { spoolFolder } from '../../../src/spool/spoolFolder.js';
import { eventually } from '../../helpers/eventually.js';
import { type ServeProcess, spawnServe } from '../../helpers/serveProcess.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';
import { runPgtel } from '../cli/runPgtel.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-spool-e2e-'));
const schema = uniqueSchema('spool');
const service = 'spool-e2e';

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

/** `count` finished spans of one trace, made by the OpenTelemetry SDK. */
function makeSpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('spool-e2e');
  for (let i = 0; i < count; i++) tracer.startSpan(`op ${i}`, { attributes: { i } }).end();
  return memory.getFinishedSpans();
}

/**
 * Sends batches with the OTLP/protobuf exporter on its defaults (10 s timeout, retries), two at a
 * time, a wave every `paceMs` (the outage lasts as long as the sending); returns the span ids
 * answered 200.
 */
async function sendBatches(url: string, batches: number, size: number, paceMs = 0): Promise<string[]> {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
  const answered: string[] = [];
  const send = async () => {
    const spans = makeSpans(size);
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(spans, resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS) throw result.error ?? new Error('export failed');
    answered.push(...spans.map((s) => s.spanContext().spanId));
  };
  for (let sent = 0; sent < batches; sent += 2) {
    await Promise.all([send(), ...(sent + 1 < batches ? [send()] : [])]);
    if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
  await exporter.shutdown();
  return answered;
}

async function spoolGauge(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^pgtel_spool_records (\d+)/m.exec(text);
  if (!match) throw new Error(`no pgtel_spool_records in /metrics:\n${text}`);
  return Number(match[1]);
}

/** Span id -> how many rows it has. */
async function storedCounts(db: Database): Promise<Map<string, number>> {
  const { rows } = await db.query<{ span_id: string; n: number }>(
    `SELECT span_id, count(*)::int AS n FROM ${db.table('spans')} WHERE service_name = $1 GROUP BY span_id`,
    [service],
  );
  return new Map(rows.map((r) => [r.span_id, r.n]));
}

function expectExactlyOnce(stored: Map<string, number>, answered: string[]): void {
  expect(new Set(answered).size).toBe(answered.length);
  expect([...stored.keys()].sort()).toEqual([...answered].sort());
  expect([...stored.values()].every((n) => n === 1)).toBe(true);
}

// The embedded database lives inside the pgtel serve process: it cannot be cut away from it.
describe.skipIf(!onRealServer)('pgtel serve keeps what it accepted while PostgreSQL is away', () => {
  it('answers 200 through an outage, stores every span once after it, and survives kill -9', async () => {
    const target = new URL(testDatabaseUrl!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(testDatabaseUrl!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const env = {
      DATABASE_URL: viaProxy.toString(),
      PGTEL_SCHEMA: schema,
      PGTEL_SPOOL_DIR: join(folder, 'spool'),
      PGTEL_SHUTDOWN_DELAY_MS: '0',
    };
    const spoolOnDisk = spoolFolder({
      spoolDir: env.PGTEL_SPOOL_DIR,
      dataDir: './.pgtel/data',
      databaseUrl: env.DATABASE_URL,
      schema,
    });
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema, poolSize: 2 });
    let serve: ServeProcess | undefined;
    try {
      serve = await spawnServe([], env);
      const first = await sendBatches(serve.url, 2, 50);

      // Outage: every request is still answered 200, and kept on disk.
      await proxy.stop();
      const outageStart = Date.now();
      const duringOutage = await sendBatches(serve.url, 20, 200, 600); // 2 batches every ~0.6 s
      expect(Date.now() - outageStart).toBeGreaterThan(5_000);
      expect(await spoolGauge(serve.url)).toBeGreaterThan(0);
      const status = await runPgtel(['status'], env);
      expect(status.code).toBe(1); // the database cannot be reached...
      expect(status.stdout).toMatch(/^Spool: +\d+ requests?, .* waiting to be stored, oldest/m); // ...but the spool is read
      await proxy.start();
      await eventually(
        async () => ((await spoolGauge(serve!.url)) === 0 ? true : undefined),
        'the spool to drain',
      );
      expectExactlyOnce(await storedCounts(db), [...first, ...duringOutage]);

      // kill -9 while records wait: the next start stores them.
      await proxy.stop();
      const beforeKill = await sendBatches(serve.url, 5, 100);
      serve.child.kill('SIGKILL');
      await serve.exited;
      const left = await readSpoolDepth(spoolOnDisk);
      expect(left.records).toBe(5);
      expect(left.slots.every((s) => s.holderPid === undefined)).toBe(true);
      await proxy.start();
      serve = await spawnServe([], env);
      const all = [...first, ...duringOutage, ...beforeKill];
      await eventually(
        async () => ((await storedCounts(db)).size === all.length ? true : undefined),
        'the spool of the killed process to drain',
        30_000,
      );
      expectExactlyOnce(await storedCounts(db), all);
      const statusAfter = await runPgtel(['status', '--json'], env);
      expect(JSON.parse(statusAfter.stdout).spool).toMatchObject({ records: 0, deadLetters: 0 });

      // SIGTERM while the database is away: no waiting out the 10 s drain timeout, records stay for later.
      await proxy.stop();
      const beforeStop = await sendBatches(serve.url, 2, 50);
      const stopping = Date.now();
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(8_000);
      expect((await readSpoolDepth(spoolOnDisk)).records).toBe(2);
      await proxy.start();
      serve = await spawnServe([], env);
      const everything = [...all, ...beforeStop];
      await eventually(
        async () => ((await storedCounts(db)).size === everything.length ? true : undefined),
        'the spool left at shutdown to drain',
      );
      expectExactlyOnce(await storedCounts(db), everything);
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      serve = undefined;
      expect(() => readdirSync(spoolOnDisk)).toThrow(/ENOENT/); // drained and closed: nothing left
    } finally {
      serve?.child.kill('SIGKILL');
      await db.close();
      await proxy.stop();
    }
  }, 180_000);
});
