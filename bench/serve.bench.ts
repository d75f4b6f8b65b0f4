// pgtel serve on the real server:
// 1. spans/s ingested end to end (the OpenTelemetry SDK's OTLP/HTTP protobuf exporter -> loopback HTTP
//    -> decode -> COPY) beside the library's direct export of the same spans (target >= 0.5);
// 2. readiness-probe latency while that ingest runs, beside the idle probe (reported, target <= 10x).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../src/logger.js';
import { PostgreSQLSpanProcessor } from '../src/tracing/PostgreSQLSpanProcessor.js';
import { dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compare, compareRounds, interleavedRounds, itemsPerSecond } from './harness.js';
import { makeSpans } from './spanFixtures.js';

const SPANS = 30_000;
const BATCH = 512;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);

type Exporter = { export(spans: ReadableSpan[], done: (r: { code: number; error?: Error }) => void): void };

const exportBatch = (exporter: Exporter, spans: ReadableSpan[]) =>
  new Promise<void>((resolve, reject) =>
    exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
  );

/** Exports in batches of 512, four requests in flight, as a busy application's batch processor would. */
async function exportAll(exporter: Exporter, spans: ReadableSpan[]): Promise<void> {
  for (let i = 0; i < spans.length; i += BATCH * CONCURRENCY) {
    const wave = [];
    for (let j = i; j < Math.min(spans.length, i + BATCH * CONCURRENCY); j += BATCH) {
      wave.push(exportBatch(exporter, spans.slice(j, j + BATCH)));
    }
    await Promise.all(wave);
  }
}

async function probeLatencies(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await (await fetch(`${url}/readyz`)).arrayBuffer();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

const p99 = (sorted: number[]) => sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN;

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_serve');
  const server = await startBenchServer(db);
  try {
    const spans = makeSpans(SPANS);
    const truncate = () => db.exec(`TRUNCATE ${db.table('spans')}`);
    const m = await interleavedRounds(ROUNDS, {
      direct: async () => {
        await truncate();
        const processor = new PostgreSQLSpanProcessor({
          db,
          maxQueueSize: SPANS,
          maxBatchSize: BATCH,
          logger: createLogger('error'),
        });
        const rate = await itemsPerSecond(SPANS, async () => {
          for (const span of spans) processor.onEnd(span);
          await processor.forceFlush();
        });
        await processor.shutdown();
        return rate;
      },
      ingest: async () => {
        await truncate();
        const otlp = new OTLPTraceExporter({ url: `${server.url}/v1/traces`, concurrencyLimit: CONCURRENCY });
        const rate = await itemsPerSecond(SPANS, () => exportAll(otlp, spans));
        await otlp.shutdown();
        return rate;
      },
    });
    const idle = await probeLatencies(server.url, 200);
    await truncate();
    const otlp = new OTLPTraceExporter({ url: `${server.url}/v1/traces`, concurrencyLimit: CONCURRENCY });
    const [loaded] = await Promise.all([probeLatencies(server.url, 200), exportAll(otlp, spans)]);
    await otlp.shutdown();
    return [
      compareRounds(
        'OTLP/HTTP ingest end to end',
        'spans/s',
        m.ingest,
        m.direct,
        'library exporter, direct',
        '>= 0.5',
      ),
      compare(
        'readiness probe p99 under ingest load',
        'ms',
        p99(loaded),
        p99(idle),
        'idle probe p99',
        '<= 10',
      ),
    ];
  } finally {
    await server.close();
    await dropBenchDatabase(db);
  }
}
