import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { spawnServe } from '../../helpers/serveProcess.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const schema = uniqueSchema('outage');
const server = testDatabaseUrl ? new URL(testDatabaseUrl) : undefined;
const proxy = new TcpProxy(server?.hostname ?? '127.0.0.1', Number(server?.port || 5432));

beforeAll(async () => {
  if (onRealServer) await proxy.start();
});

afterAll(async () => {
  if (!onRealServer) return;
  await proxy.stop();
  const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
  await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await db.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The embedded database lives inside the serve process: it has no outage to play.
describe.runIf(onRealServer)('OTLP metrics from the SDK on its defaults while the database goes away', () => {
  it('stores every increment and observation exactly once after the database comes back', async () => {
    const through = new URL(testDatabaseUrl!);
    through.host = `127.0.0.1:${proxy.port}`;
    const serve = await spawnServe([], {
      DATABASE_URL: through.toString(),
      PGTEL_SCHEMA: schema,
      PGTEL_SHUTDOWN_DELAY_MS: '0',
      PGTEL_LOG_LEVEL: 'error',
    });
    const exporter = new OTLPMetricExporter({ url: new URL('/v1/metrics', serve.url).toString() });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 300 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'outage-app' }),
      readers: [reader],
    });
    const meter = provider.getMeter('outage');
    const orders = meter.createCounter('outage.orders');
    const latency = meter.createHistogram('outage.latency', { unit: 'ms' });
    let produced = 0;
    const recordFor = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        for (let i = 0; i < 10; i++) {
          orders.add(1, { shop: String(produced % 3) });
          latency.record(1 + (produced % 500), { shop: String(produced % 3) });
          produced++;
        }
        await pause(20);
      }
    };
    try {
      await recordFor(1_500);
      await proxy.stop(); // the database is gone: exports fail or are kept, the SDK keeps its totals
      await recordFor(3_000);
      await proxy.start();
      await recordFor(1_500);
      await provider.forceFlush();
      await provider.shutdown();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    try {
      const { rows } = await db.query<{ metric_name: string; total: number; samples: number }>(
        `SELECT metric_name, sum(metric_value) AS total, sum(sample_count)::int AS samples
           FROM ${db.table('metrics')} WHERE service_name = 'outage-app' GROUP BY 1 ORDER BY 1`,
      );
      expect(produced).toBeGreaterThan(500);
      expect(rows).toEqual([
        { metric_name: 'outage.latency', total: expect.any(Number), samples: produced },
        { metric_name: 'outage.orders', total: produced, samples: expect.any(Number) },
      ]);
    } finally {
      await db.close();
    }
  }, 90_000);
});
