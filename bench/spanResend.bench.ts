// Exactly-once OTLP trace ingest on the real server (pgtel serve, protobuf over loopback HTTP), for a
// request of 5,000 and of 20,000 spans:
// 1. the request resent whole (every span already stored, as after a lost answer) beside its first
//    send (target <= 1.5x: a resend costs about what the first send cost);
// 2. what exactly once costs a first write: writeSpanRows (COPY into a temporary table, INSERT ...
//    ON CONFLICT DO NOTHING, one transaction) beside a bare COPY of the same rows into `spans`
//    (target <= 2x).
// Medians of interleaved rounds, with the range of the per-round ratios.
import { randomBytes } from 'node:crypto';
import type { Database } from '../src/db/Database.js';
import { decodeTraceRequest } from '../src/otlp/decodeTraceRequest.js';
import { otlpTypes } from '../src/otlp/protoRoot.js';
import { otlpSpanToRow } from '../src/tracing/otlpSpanToRow.js';
import { SPAN_COLUMNS, spanRowValues } from '../src/tracing/SpanRow.js';
import { writeSpanRows } from '../src/tracing/writeSpanRows.js';
import { dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compareRounds, interleavedRounds } from './harness.js';

const ROUNDS = 4;
const PROTOBUF = 'application/x-protobuf';

/** An ExportTraceServiceRequest of `count` spans from the last minute, ten spans a trace. */
function traceRequest(count: number): Uint8Array {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  let traceId = randomBytes(16);
  const spans = Array.from({ length: count }, (_, i) => {
    if (i % 10 === 0) traceId = randomBytes(16);
    const at = start + BigInt(i) * 1_000n;
    return {
      traceId,
      spanId: randomBytes(8),
      name: `op-${i % 20}`,
      kind: 2,
      startTimeUnixNano: String(at),
      endTimeUnixNano: String(at + 2_500_000n),
      attributes: [
        { key: 'http.method', value: { stringValue: 'GET' } },
        { key: 'http.status_code', value: { intValue: 200 } },
        { key: 'route', value: { stringValue: `/r/${i % 50}` } },
      ],
    };
  });
  const type = otlpTypes.ExportTraceServiceRequest;
  return type
    .encode(
      type.fromObject({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
            scopeSpans: [{ scope: { name: 'bench' }, spans }],
          },
        ],
      }),
    )
    .finish();
}

/** Milliseconds of one OTLP request, which must be stored whole with nothing refused. */
async function post(url: string, body: Uint8Array): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': PROTOBUF },
    body,
  });
  const answer = otlpTypes.ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()));
  const elapsed = performance.now() - started;
  if (response.status !== 200 || answer.toJSON().partialSuccess) {
    throw new Error(`request refused: ${response.status} ${JSON.stringify(answer.toJSON())}`);
  }
  return elapsed;
}

async function measure(db: Database, url: string, count: number): Promise<BenchResult[]> {
  const body = traceRequest(count);
  const spanRows = (await decodeTraceRequest(body, PROTOBUF)).spans.map(otlpSpanToRow);
  const values = spanRows.map(spanRowValues);
  const truncate = () => db.exec(`TRUNCATE ${db.table('spans')}`);
  const timed = async (fn: () => Promise<unknown>) => {
    await truncate();
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const measures = await interleavedRounds(ROUNDS, {
    copy: () => timed(() => db.copyRows('spans', SPAN_COLUMNS, values)),
    write: () => timed(() => writeSpanRows(db, spanRows)),
    first: async () => {
      await truncate();
      return post(url, body);
    },
    resend: () => post(url, body),
  });
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${db.table('spans')}`);
  if (rows[0]!.n !== count) throw new Error(`expected ${count} spans stored once, found ${rows[0]!.n}`);
  const label = count.toLocaleString('en-US');
  return [
    compareRounds(
      `OTLP trace request sent again whole (${label} spans, all duplicates)`,
      'ms',
      measures.resend,
      measures.first,
      'its first send',
      '<= 1.5',
    ),
    compareRounds(
      `span rows written exactly once, first write (${label} spans)`,
      'ms',
      measures.write,
      measures.copy,
      'bare COPY of the rows into spans',
      '<= 2',
    ),
  ];
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_span_resend');
  const server = await startBenchServer(db);
  try {
    return [...(await measure(db, server.url, 5_000)), ...(await measure(db, server.url, 20_000))];
  } finally {
    await server.close();
    await dropBenchDatabase(db);
  }
}
