// Tracing on the real server:
// 1. spans/s through PostgreSQLSpanProcessor (queue, mapping, COPY batches) beside a bare COPY of the
//    same rows already mapped (target >= 0.6);
// 2. the application thread's cost of a span start/end with pgtel's span processor attached
//    beside the plain OpenTelemetry SDK with no processor (target <= 1.5x);
// 3. span search and trace lookup on a million spans beside the same query without indexes.

import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Database, DatabaseSession } from '../src/db/Database.js';
import { createLogger } from '../src/logger.js';
import { PostgreSQLSpanProcessor } from '../src/tracing/PostgreSQLSpanProcessor.js';
import { SPAN_COLUMNS, spanRowValues } from '../src/tracing/SpanRow.js';
import { spanToRow } from '../src/tracing/spanToRow.js';
import { listServices, searchSpans } from '../src/tracing/traceQueries.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { type BenchResult, bestMs, compare, itemsPerSecond } from './harness.js';
import { makeSpans, benchResource as resource } from './spanFixtures.js';

const SPANS = 50_000;
const BATCH = 1_000;

async function exporterThroughput(db: Database): Promise<BenchResult> {
  const spans = makeSpans(SPANS);
  const values = spans.map((s) => spanRowValues(spanToRow(s)));
  const truncate = () => db.exec(`TRUNCATE ${db.table('spans')}`);
  let ours = 0;
  let baseline = 0;
  for (let round = 0; round < 3; round++) {
    await truncate();
    baseline = Math.max(
      baseline,
      await itemsPerSecond(SPANS, async () => {
        for (let i = 0; i < values.length; i += BATCH)
          await db.copyRows('spans', SPAN_COLUMNS, values.slice(i, i + BATCH));
      }),
    );
    await truncate();
    const processor = new PostgreSQLSpanProcessor({
      db,
      maxQueueSize: SPANS,
      maxBatchSize: BATCH,
      flushTimeoutMs: 600_000,
      logger: createLogger('warn'),
    });
    ours = Math.max(
      ours,
      await itemsPerSecond(SPANS, async () => {
        // As the provider calls it: each span as it ends.
        for (const span of spans) processor.onEnd(span);
        await processor.forceFlush();
      }),
    );
    await processor.shutdown();
  }
  return compare('exporter throughput', 'spans/s', ours, baseline, 'COPY of the same rows', '>= 0.6');
}

/** Nanoseconds of application-thread time per span start/end, per burst; the event loop runs between bursts. */
async function burstCosts(tracer: Tracer, bursts: number, perBurst = 256): Promise<number[]> {
  const costs: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBurst; i++)
      tracer.startSpan('op', { attributes: { 'http.route': '/orders', i } }).end();
    costs.push(Number(process.hrtime.bigint() - start) / perBurst);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return costs;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function hotPath(db: Database): Promise<BenchResult> {
  const plain = new BasicTracerProvider({ resource }).getTracer('bench');
  const processor = new PostgreSQLSpanProcessor({ db, maxQueueSize: 20_000, logger: createLogger('error') });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const withPgtel = provider.getTracer('bench');
  const ours: number[] = [];
  const baseline: number[] = [];
  // Alternating rounds and the median burst, so load from other processes hits both sides alike;
  // garbage collection of the spans the processor holds is inside the bursts, as in an application.
  for (let round = 0; round < 10; round++) {
    baseline.push(...(await burstCosts(plain, 100)));
    ours.push(...(await burstCosts(withPgtel, 100)));
  }
  await provider.shutdown();
  return compare(
    'span start+end, exporter attached',
    'ns/span',
    median(ours),
    median(baseline),
    'OpenTelemetry SDK, no exporter',
    '<= 1.5',
  );
}

async function searchOnAMillion(db: Database): Promise<BenchResult[]> {
  await db.exec(`TRUNCATE ${db.table('spans')}`);
  const spans = makeSpans(20_000).map((s) => spanToRow(s));
  const day = Date.parse('2026-06-01T00:00:00Z');
  for (let copy = 0; copy < 50; copy++) {
    const rows = spans.map((row, i) => {
      const start = new Date(day + copy * 1_000_000 + i * 7).toISOString();
      return spanRowValues({
        ...row,
        traceId: `${copy.toString(16).padStart(8, '0')}${row.traceId.slice(8)}`,
        serviceName: `svc-${(i + copy) % 10}`,
        status: i % 97 === 0 ? 'error' : 'unset',
        startTime: start,
        endTime: start,
        durationMs: (i * 13) % 1000,
      });
    });
    for (let i = 0; i < rows.length; i += 5_000)
      await db.copyRows('spans', SPAN_COLUMNS, rows.slice(i, i + 5_000));
  }
  await db.exec(`ANALYZE ${db.table('spans')}`);
  const queries: [string, (session: DatabaseSession) => Promise<unknown>][] = [
    [
      'search service+operation+duration, 1M spans',
      (session) =>
        searchSpans(session, { service: 'svc-3', operation: 'op-7', minDurationMs: 100, limit: 20 }),
    ],
    ['search errors, 1M spans', (session) => searchSpans(session, { status: 'error', limit: 50 })],
    ['list services, 1M spans', (session) => listServices(session)],
  ];
  const results: BenchResult[] = [];
  for (const [name, query] of queries) {
    const ours = await bestMs(() => query(db), 5);
    const baseline = await bestMs(
      () =>
        db.transaction(async (tx) => {
          await tx.exec(
            'SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off',
          );
          await query(tx);
        }),
      3,
    );
    results.push(compare(name, 'ms', ours, baseline, 'same query without indexes', '<= 0.1'));
  }
  return results;
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_tracing');
  try {
    return [await exporterThroughput(db), await hotPath(db), ...(await searchOnAMillion(db))];
  } finally {
    await dropBenchDatabase(db);
  }
}
