import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { eventually } from '../../helpers/eventually.js';
import { type ServeProcess, spawnServe } from '../../helpers/serveProcess.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-logs-outage-'));
const schema = uniqueSchema('logsout');
const service = 'logs-outage';

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

let sequence = 0;

/** `count` log records with distinct bodies, made by the OpenTelemetry logs SDK. */
function makeRecords(count: number): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('outage');
  for (let i = 0; i < count; i++) logger.emit({ body: `record ${sequence++}`, attributes: { i } });
  return memory.getFinishedLogRecords();
}

/** Sends batches with the OTLP/protobuf log exporter on its defaults (gzip); returns the bodies answered 200. */
async function sendBatches(url: string, batches: number, size: number): Promise<string[]> {
  const exporter = new OTLPLogExporter({ url: `${url}/v1/logs`, compression: CompressionAlgorithm.GZIP });
  const answered: string[] = [];
  for (let sent = 0; sent < batches; sent++) {
    const records = makeRecords(size);
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(records, resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS) throw result.error ?? new Error('export failed');
    answered.push(...records.map((r) => String(r.body)));
  }
  await exporter.shutdown();
  return answered;
}

/** Body -> how many rows it has. */
async function storedCounts(db: Database): Promise<Map<string, number>> {
  const { rows } = await db.query<{ body: string; n: number }>(
    `SELECT body, count(*)::int AS n FROM ${db.table('logs')} WHERE service_name = $1 GROUP BY body`,
    [service],
  );
  return new Map(rows.map((r) => [r.body, r.n]));
}

// The embedded database lives inside the pgtel serve process: it cannot be cut away from it.
describe.skipIf(!onRealServer)(
  'pgtel serve keeps the log records it accepted while PostgreSQL is away',
  () => {
    it('answers 200 through an outage and stores every record once after it', async () => {
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
      const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema, poolSize: 2 });
      let serve: ServeProcess | undefined;
      try {
        serve = await spawnServe([], env);
        const before = await sendBatches(serve.url, 2, 50);
        await proxy.stop();
        const during = await sendBatches(serve.url, 6, 100);
        expect(during).toHaveLength(600);
        // Nothing of the outage is stored yet: it waits on disk.
        expect([...(await storedCounts(db)).keys()].sort()).toEqual([...before].sort());
        await proxy.start();
        const all = [...before, ...during];
        await eventually(
          async () => ((await storedCounts(db)).size === all.length ? true : undefined),
          'the spooled log records to be stored',
          30_000,
        );
        const stored = await storedCounts(db);
        expect([...stored.keys()].sort()).toEqual([...all].sort());
        expect([...stored.values()].every((n) => n === 1)).toBe(true);
        serve.child.kill('SIGTERM');
        expect(await serve.exited).toBe(0);
        serve = undefined;
      } finally {
        serve?.child.kill('SIGKILL');
        await db.close();
        await proxy.stop();
      }
    }, 120_000);
  },
);
