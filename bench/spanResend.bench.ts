// Exactly-once span writes on the real server, for a request of 5,000 and of 20,000 spans:
// 1. a full resend (every span already stored, as after a lost answer) beside the first send of the
//    same spans (target <= 1.5x: a resend costs about what the first send cost);
// 2. the first send (COPY into a temporary table, INSERT ... ON CONFLICT DO NOTHING, one
//    transaction) beside a bare COPY of the same rows into `spans` (reported, target <= 2x).
// Interleaved rounds; each figure is the median, with the spread (min-max) beside it.
import type { Database } from '../src/db/Database.js';
import { SPAN_COLUMNS, type SpanRow, spanRowValues } from '../src/tracing/SpanRow.js';
import { spanToRow } from '../src/tracing/spanToRow.js';
import { writeSpanRows } from '../src/tracing/writeSpanRows.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { type BenchResult, compare } from './harness.js';
import { makeSpans } from './spanFixtures.js';

const ROUNDS = 5;

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const spread = (values: number[]) =>
  `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms over ${values.length} rounds`;

async function write(db: Database, rows: SpanRow[]): Promise<void> {
  const result = await writeSpanRows(db, rows);
  if (result.rejected.length > 0 || result.retryable.length > 0) throw new Error('spans refused');
}

async function measure(db: Database, count: number): Promise<BenchResult[]> {
  const rows = makeSpans(count).map((span) => spanToRow(span));
  const values = rows.map(spanRowValues);
  const truncate = () => db.exec(`TRUNCATE ${db.table('spans')}`);
  const times = { copy: [] as number[], first: [] as number[], resend: [] as number[] };
  await truncate();
  await write(db, rows); // warm-up: JIT, plans, the temporary table's catalog entries
  for (let round = 0; round < ROUNDS; round++) {
    await truncate();
    times.copy.push(await timeMs(() => db.copyRows('spans', SPAN_COLUMNS, values)));
    await truncate();
    times.first.push(await timeMs(() => write(db, rows)));
    times.resend.push(await timeMs(() => write(db, rows)));
  }
  const { rows: stored } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${db.table('spans')}`,
  );
  if (stored[0]!.n !== count) throw new Error(`expected ${count} spans stored once, found ${stored[0]!.n}`);
  const label = count.toLocaleString('en-US');
  process.stderr.write(
    `  ${label} spans: bare COPY ${spread(times.copy)}; first send ${spread(times.first)}; resend ${spread(times.resend)}\n`,
  );
  return [
    Object.assign(
      compare(
        `span request resent whole (${label} spans)`,
        'ms',
        median(times.resend),
        median(times.first),
        'first send of the same spans',
        '<= 1.5',
      ),
      { spread: `ours ${spread(times.resend)}; baseline ${spread(times.first)}` },
    ),
    Object.assign(
      compare(
        `span request first send, exactly once (${label} spans)`,
        'ms',
        median(times.first),
        median(times.copy),
        'bare COPY into spans',
        '<= 2',
      ),
      { spread: `ours ${spread(times.first)}; baseline ${spread(times.copy)}` },
    ),
  ];
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_span_resend');
  try {
    return [...(await measure(db, 5_000)), ...(await measure(db, 20_000))];
  } finally {
    await dropBenchDatabase(db);
  }
}
