// Log search and live tail on the real server. Full-text search for a rare word within the last day
// over 0.1M, 1M, then (opt-in) 10M records (spread over 3 days, generated in SQL), through `searchLogs` and its GIN
// index, beside the same question asked with ILIKE (a scan of the day) in interleaved rounds; a
// common word and the plain newest page for scale. Goal: the rare-word search under 200 ms.
// Then the live tail: a record stored -> seen by an SSE client of `pgtel serve` (goal under 2 s).
// The 10M-record point takes minutes to generate and index, so it is opt-in:
//   PGTEL_BENCH_LOG_SEARCH_10M=1 npm run bench -- logSearch

import { readServerSentEvents } from '../src/cli/api/readServerSentEvents.js';
import type { Database } from '../src/db/Database.js';
import { searchLogs } from '../src/logs/logQueries.js';
import { dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compare, compareRounds, interleavedRounds, spreadOf } from './harness.js';

const DAY = 86_400_000;
const RARE = 'zanzibarquux';
const ROUNDS = 9;
const TEN_MILLION = process.env.PGTEL_BENCH_LOG_SEARCH_10M === '1';
/** Rows generated per statement, so a long seed reports its progress. */
const SEED_STEP = 1_000_000;

function log(message: string): void {
  process.stderr.write(`  log search: ${message}\n`);
}

/**
 * Records `first`..`last` (ids), newest first over the 3 days before `end`: bodies from a small
 * vocabulary, one in 50,000 carrying the rare word.
 */
async function seedRange(
  db: Database,
  first: number,
  last: number,
  total: number,
  end: number,
): Promise<void> {
  await db.query(
    `INSERT INTO ${db.table('logs')} (record_id, time, severity_number, severity_text, body, attributes, service_name)
     SELECT i, $2::timestamptz - (i * ($3::float8 / $4::float8)) * interval '1 millisecond',
            (ARRAY[5, 9, 9, 9, 9, 13, 17])[1 + i % 7], NULL,
            (ARRAY['request', 'job', 'query', 'cache'])[1 + i % 4] || ' ' || (i % 1000) || ' served by worker '
              || (i % 37) || ' in ' || (i % 250) || ' ms'
              || CASE WHEN i % 50000 = 7 THEN ' ${RARE}' ELSE '' END,
            jsonb_build_object('worker', i % 37), (ARRAY['api', 'jobs', 'db'])[1 + i % 3]
       FROM generate_series($1::int8, $5::int8) AS i`,
    [first, new Date(end), 3 * DAY, total, last],
  );
}

/**
 * Stores records 1..`total` (see `seedRange`), a million per statement. From a million rows on,
 * the full-text index is dropped first and built again over the whole table afterwards: one
 * bulk build instead of millions of pending-list inserts.
 */
async function seed(db: Database, total: number, end: number): Promise<void> {
  const started = performance.now();
  const bulk = total >= SEED_STEP;
  const { rows } = await db.query<{ definition: string }>(
    `SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index
      WHERE indexrelid = '${db.table('logs_body_search_idx')}'::regclass`,
  );
  if (bulk) await db.exec(`DROP INDEX ${db.table('logs_body_search_idx')}`);
  for (let from = 1; from <= total; from += SEED_STEP) {
    const to = Math.min(total, from + SEED_STEP - 1);
    await seedRange(db, from, to, total, end);
    if (bulk) log(`${to.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records stored`);
  }
  if (bulk) {
    await db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
      // The parent's definition reads `ON ONLY`, which would build no partition's index.
      await tx.exec(rows[0]!.definition.replace(' ON ONLY ', ' ON '));
    });
  }
  await db.exec(`ANALYZE ${db.table('logs')}`);
  log(
    `${total.toLocaleString('en-US')} records stored and indexed in ${Math.round(performance.now() - started)} ms`,
  );
}

async function searchCurve(db: Database, rows: number, end: number): Promise<BenchResult[]> {
  const window = { from: new Date(end - DAY), to: new Date(end + 1) };
  const label = `${rows / 1_000_000}M`;
  log(`${label}: searching`);
  const found = await searchLogs(db, { ...window, q: RARE, limit: 100 });
  // The rare word is on one record in 50,000, a third of them in the last day.
  if (found.logs.length === 0 || found.logs.some((l) => !l.body.includes(RARE)))
    throw new Error('the rare-word search found nothing or something else');
  const ilike = async () => {
    const started = performance.now();
    await db.query(
      `SELECT body FROM ${db.table('logs')} WHERE time >= $1 AND time < $2 AND body ILIKE $3
        ORDER BY time DESC, record_id DESC LIMIT 101`,
      [window.from, window.to, `%${RARE}%`],
    );
    return performance.now() - started;
  };
  const timed = (search: Parameters<typeof searchLogs>[1]) => async () => {
    const started = performance.now();
    await searchLogs(db, search);
    return performance.now() - started;
  };
  const m = await interleavedRounds(ROUNDS, {
    rare: timed({ ...window, q: RARE, limit: 100 }),
    scan: ilike,
    common: timed({ ...window, q: 'served worker', limit: 100 }),
    page: timed({ ...window, limit: 100 }),
  });
  for (const [name, values] of Object.entries(m)) {
    const s = spreadOf(values);
    log(`${label} ${name}: median ${s.median.toFixed(1)} ms [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`);
  }
  return [
    compareRounds(
      `logs: full-text rare word in the last day (${label} records), ms`,
      'ms',
      m.rare,
      m.scan,
      'ILIKE over the same day',
      '<= 0.5',
    ),
    compare(
      `logs: full-text rare word in the last day (${label} records), vs the 200 ms goal`,
      'ms',
      spreadOf(m.rare).median,
      200,
      'goal',
      '<= 1',
    ),
    compareRounds(
      `logs: full-text common words, newest 100 (${label} records), ms`,
      'ms',
      m.common,
      m.page,
      'newest 100 without search',
      '<= 20',
    ),
  ];
}

/** Median time from storing a record to an SSE client of the tail seeing it. */
async function tailLatency(db: Database): Promise<BenchResult> {
  const server = await startBenchServer(db);
  const abort = new AbortController();
  try {
    const response = await fetch(`${server.url}/api/logs/tail?service=tail-bench`, { signal: abort.signal });
    const events = readServerSentEvents(response.body!);
    const ready = await events.next();
    if (ready.value?.event !== 'ready') throw new Error('the tail did not start');
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await db.query(
        `INSERT INTO ${db.table('logs')} (record_id, time, body, service_name) VALUES ($1, now(), 'tail bench', 'tail-bench')`,
        [-1 - i],
      );
      for (;;) {
        const next = await events.next();
        if (next.done) throw new Error('the tail ended');
        if (next.value.event === 'logs') break;
      }
      latencies.push(performance.now() - started);
      // Out of step with the poll, so the figure covers every phase of it.
      await new Promise((r) => setTimeout(r, 97));
    }
    const s = spreadOf(latencies);
    log(`tail: median ${s.median.toFixed(0)} ms [${s.min.toFixed(0)}–${s.max.toFixed(0)}]`);
    return compare(
      'logs: live tail, stored -> seen by an SSE client (median), ms',
      'ms',
      s.median,
      2000,
      'goal',
      '<= 1',
    );
  } finally {
    abort.abort();
    await server.close();
  }
}

export default async function logSearchBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('bench_log_search');
  try {
    const end = Date.now();
    const total = 1_000_000;
    const results: BenchResult[] = [];
    // Both tables spread their records over the same 3 days, so only the volume differs.
    await seed(db, 100_000, end);
    results.push(...(await searchCurve(db, 100_000, end)));
    await db.exec(`TRUNCATE ${db.table('logs')}`);
    await seed(db, total, end);
    results.push(...(await searchCurve(db, total, end)));
    results.push(await tailLatency(db));
    if (TEN_MILLION) {
      await db.exec(`TRUNCATE ${db.table('logs')}`);
      await seed(db, 10_000_000, end);
      results.push(...(await searchCurve(db, 10_000_000, end)));
    }
    return results;
  } finally {
    await dropBenchDatabase(db);
  }
}
