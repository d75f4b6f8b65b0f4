// Tracing on the real server, medians of interleaved rounds:
// 1. spans/s through PostgreSQLSpanProcessor (queue, mapping, COPY batches) beside a server-side
//    COPY of the same rows from a file (PostgreSQL's floor, goal >= 0.8) and beside a client COPY
//    through pg-copy-streams with a plain encoder, each into an emptied spans table;
// 2. the application thread's cost of a span start/end with pgtel's span processor attached
//    beside the plain OpenTelemetry SDK with no processor (target <= 1.5x).
// Span search at 0.1M / 1M / 5M spans is spanSearch.bench.ts.

import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Database } from '../src/db/Database.js';
import { createLogger } from '../src/logger.js';
import { PostgreSQLSpanProcessor } from '../src/tracing/PostgreSQLSpanProcessor.js';
import { SPAN_COLUMNS, spanRowValues } from '../src/tracing/SpanRow.js';
import { spanToRow } from '../src/tracing/spanToRow.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { anchorCopyText, onEmptied, serverSideCopyRate, streamCopyRate } from './copyAnchors.js';
import { type BenchResult, compareRounds, interleavedRounds, itemsPerSecond, spreadOf } from './harness.js';
import { makeSpans, benchResource as resource } from './spanFixtures.js';

const SPANS = 50_000;
const BATCH = 1_000;
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);

async function exporterThroughput(db: Database): Promise<BenchResult[]> {
  const spans = makeSpans(SPANS);
  const values = spans.map((s) => spanRowValues(spanToRow(s)));
  const copyText = anchorCopyText(values);
  const table = db.table('spans');
  const m = await interleavedRounds(ROUNDS, {
    serverCopy: onEmptied(db, table, () => serverSideCopyRate(db, table, SPAN_COLUMNS, copyText, SPANS)),
    processor: onEmptied(db, table, async () => {
      const processor = new PostgreSQLSpanProcessor({
        db,
        maxQueueSize: SPANS,
        maxBatchSize: BATCH,
        flushTimeoutMs: 600_000,
        logger: createLogger('warn'),
      });
      const rate = await itemsPerSecond(SPANS, async () => {
        // As the provider calls it: each span as it ends.
        for (const span of spans) processor.onEnd(span);
        await processor.forceFlush();
      });
      await processor.shutdown();
      return rate;
    }),
    streamCopy: onEmptied(db, table, () => streamCopyRate(table, SPAN_COLUMNS, values, BATCH)),
  });
  const anchor = 'server-side COPY from a file';
  return [
    compareRounds('exporter throughput', 'spans/s', m.processor, m.serverCopy, anchor, '>= 0.8'),
    compareRounds(
      'spans: pg-copy-streams, plain encoder, mapped rows',
      'spans/s',
      m.streamCopy,
      m.serverCopy,
      anchor,
      '>= 0',
    ),
  ];
}

/** Median nanoseconds of application-thread time per span start/end over bursts; the event loop runs between bursts. */
async function burstCost(tracer: Tracer, bursts = 100, perBurst = 256): Promise<number> {
  const costs: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBurst; i++)
      tracer.startSpan('op', { attributes: { 'http.route': '/orders', i } }).end();
    costs.push(Number(process.hrtime.bigint() - start) / perBurst);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return spreadOf(costs).median;
}

async function hotPath(db: Database): Promise<BenchResult> {
  const plain = new BasicTracerProvider({ resource }).getTracer('bench');
  const processor = new PostgreSQLSpanProcessor({ db, maxQueueSize: 20_000, logger: createLogger('error') });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const withPgtel = provider.getTracer('bench');
  // Garbage collection of the spans the processor holds is inside the bursts, as in an application.
  const m = await interleavedRounds(ROUNDS * 2, {
    plain: () => burstCost(plain),
    pgtel: () => burstCost(withPgtel),
  });
  await provider.shutdown();
  return compareRounds(
    'span start+end, exporter attached',
    'ns/span',
    m.pgtel,
    m.plain,
    'OpenTelemetry SDK, no exporter',
    '<= 1.5',
  );
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_tracing');
  try {
    return [...(await exporterThroughput(db)), await hotPath(db)];
  } finally {
    await dropBenchDatabase(db);
  }
}
