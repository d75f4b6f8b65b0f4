// OTLP logs ingest on the real server, medians of interleaved rounds:
// 1. log records/s stored through `pgtel serve` (OTLP/HTTP protobuf as the OpenTelemetry exporter
//    sends it: decode, map, record ids, one COPY straight into `logs`, stored once by its unique key)
//    beside two anchors storing the same kind of rows into `logs` (same indexes; no HTTP, no
//    decoding, no duplicate check): a client COPY over the wire (pg-copy-streams, rows encoded by an
//    encoder of this file, encoding timed) and a server-side COPY from a file, the floor of what
//    PostgreSQL needs (goal >= 0.5x of each);
// 2. bytes on disk per record (table, TOAST and indexes of every partition) beside the record's
//    raw OTLP protobuf bytes.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeCopyText } from '../src/db/copyText.js';
import { LOG_COLUMNS, type LogRow, logRowValues } from '../src/logs/LogRow.js';
import { otlpLogRow } from '../src/logs/otlpLogRows.js';
import { sdkLogRecordToOtlp } from '../src/logs/sdkLogRecordToOtlp.js';
import { benchDatabaseUrl, dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compare, compareRounds, interleavedRounds } from './harness.js';

const RECORDS = Number(process.env.PGTEL_BENCH_LOG_RECORDS ?? 5_000);
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 9);
const ROUTES = ['/api/orders', '/api/cart', '/api/users', '/health', '/api/payments'];

/** `RECORDS` typical application log records (batch `batch` keeps them distinct), half inside a span. */
function makeRecords(batch: string): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'bench-logs',
      'host.name': 'bench-1',
      'service.version': '1.4.2',
    }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('bench', '1.0.0');
  for (let i = 0; i < RECORDS; i++) {
    const route = ROUTES[i % ROUTES.length]!;
    const inSpan = i % 2 === 0;
    logger.emit({
      severityNumber: i % 20 === 0 ? 17 : 9,
      severityText: i % 20 === 0 ? 'ERROR' : 'INFO',
      body: `GET ${route}/${(i * 7919) % 100_000} completed with ${i % 20 === 0 ? 500 : 200} in ${i % 97} ms (${batch})`,
      attributes: {
        'http.route': route,
        'http.status_code': i % 20 === 0 ? 500 : 200,
        'user.id': `u${i % 1000}`,
        attempt: 1,
      },
      ...(inSpan
        ? {
            context: trace.setSpanContext(context.active(), {
              traceId: (i + 1).toString(16).padStart(32, 'a'),
              spanId: (i + 1).toString(16).padStart(16, 'b'),
              traceFlags: 1,
            }),
          }
        : {}),
    });
  }
  return memory.getFinishedLogRecords();
}

/** A COPY text field of this bench's rows, escaped on its own (not pgtel's encoder). */
function field(value: string | number | null | object): string {
  if (value === null) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** The COPY text of `rows` in `LOG_COLUMNS` order. */
function anchorCopyText(rows: readonly LogRow[]): string {
  return rows
    .map((r) =>
      [
        r.recordId,
        r.time,
        r.observedTime,
        r.severityNumber,
        r.severityText,
        r.body,
        r.bodyJson === null ? null : (r.bodyJson as object),
        r.attributes,
        r.serviceName,
        r.resource,
        r.scope,
        r.traceId,
        r.spanId,
        r.flags,
        r.droppedAttributesCount,
      ]
        .map(field)
        .join('\t'),
    )
    .join('\n')
    .concat('\n');
}

/** Rows of `makeRecords(batch)` as pgtel maps them, for the anchors. */
function anchorRows(batch: string): LogRow[] {
  return makeRecords(batch).map((r) => otlpLogRow(sdkLogRecordToOtlp(r, '')));
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_logs');
  const server = await startBenchServer(db);
  const file = join(tmpdir(), `pgtel-bench-logs-${process.pid}.copy`);
  const columns = LOG_COLUMNS.join(', ');
  const client = new pg.Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  let otlpBytes = 0;
  let otlpRecords = 0;
  try {
    const measures = await interleavedRounds(ROUNDS, {
      otlp: async (round) => {
        const body = ProtobufLogsSerializer.serializeRequest(makeRecords(`otlp ${round}`))!;
        const started = performance.now();
        const response = await fetch(`${server.url}/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
        const seconds = (performance.now() - started) / 1000;
        otlpBytes += body.byteLength;
        otlpRecords += RECORDS;
        return RECORDS / seconds;
      },
      clientCopy: async (round) => {
        const rows = anchorRows(`client copy ${round}`);
        const started = performance.now();
        const stream = client.query(copyFrom(`COPY ${db.table('logs')} (${columns}) FROM STDIN`));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(anchorCopyText(rows));
        });
        return RECORDS / ((performance.now() - started) / 1000);
      },
      fileCopy: async (round) => {
        const rows = anchorRows(`file copy ${round}`).map(logRowValues);
        writeFileSync(file, encodeCopyText(rows), { mode: 0o644 });
        const started = performance.now();
        await db.exec(`COPY ${db.table('logs')} (${columns}) FROM '${file}'`);
        return RECORDS / ((performance.now() - started) / 1000);
      },
    });
    const { rows } = await db.query<{ bytes: string; records: number }>(
      `SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
                WHERE inhparent = '${db.table('logs')}'::regclass)::text AS bytes,
              (SELECT count(*)::int FROM ${db.table('logs')}) AS records`,
    );
    const perRecord = Number(rows[0]!.bytes) / rows[0]!.records;
    return [
      compareRounds(
        `OTLP log ingest (${RECORDS.toLocaleString('en-US')} records a request)`,
        'records/s',
        measures.otlp,
        measures.fileCopy,
        'server-side COPY of the rows from a file',
        '>= 0.5',
      ),
      compareRounds(
        `OTLP log ingest (${RECORDS.toLocaleString('en-US')} records a request) vs a client COPY`,
        'records/s',
        measures.otlp,
        measures.clientCopy,
        'client COPY of the rows (pg-copy-streams, own encoder)',
        '>= 0.5',
      ),
      compare(
        'logs storage per record (table, TOAST, indexes)',
        'bytes',
        perRecord,
        otlpBytes / otlpRecords,
        'raw OTLP protobuf bytes per record',
        '<= 4',
      ),
    ];
  } finally {
    await client.end();
    await server.close();
    await dropBenchDatabase(db);
  }
}
