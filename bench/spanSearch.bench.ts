// Span search as a curve over table size: 0.1M and 1M spans (5M with PGTEL_BENCH_SPANS_5M=1), every
// span inside the API's default one-hour window so the window narrows nothing. Each search the API
// and the library offer, with selective, unselective and non-matching filters, timed in interleaved
// rounds beside a budget of 10 ms. Spans are generated in SQL (generate_series): traces of 5 spans,
// 10 services, 20 operations, durations spread evenly over 0-1000 ms, 1% errors.

import type { Database, DatabaseSession } from '../src/db/Database.js';
import {
  listOperations,
  listServices,
  searchSpans,
  searchTraces,
  type TraceSearch,
} from '../src/tracing/traceQueries.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { type BenchResult, compareRounds, interleavedRounds, timeMs } from './harness.js';

const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);
const SIZES = [100_000, 1_000_000, ...(process.env.PGTEL_BENCH_SPANS_5M === '1' ? [5_000_000] : [])];
const NOW = Date.parse('2026-06-01T12:00:00Z');
const WINDOW = { from: new Date(NOW - 3_600_000), to: new Date(NOW) };

/** Appends spans `from` to `to` - 1 (span i is in trace i / 5), evenly over the hour before NOW. */
async function addSpans(db: Database, from: number, to: number, total: number): Promise<void> {
  await db.query(
    `INSERT INTO ${db.table('spans')} (trace_id, span_id, parent_span_id, operation_name, service_name,
       start_time, end_time, duration_ms, status, attributes, kind)
     SELECT md5((i / 5)::text), substr(md5(i::text), 1, 16),
            CASE WHEN i % 5 = 0 THEN NULL ELSE substr(md5((i - i % 5)::text), 1, 16) END,
            'op-' || (i % 20), 'svc-' || ((i / 5) % 10), t, t + d * interval '1 millisecond', d,
            CASE WHEN i % 97 = 0 THEN 'error' ELSE 'unset' END,
            jsonb_build_object('route', '/r/' || (i % 50), 'http.status_code', 200), 'server'
       FROM generate_series($1::int, $2::int - 1) AS i,
            LATERAL (SELECT $3::timestamptz - (($4::int - i) * 3600.0 / $4::int) * interval '1 second' AS t,
                            ((i * 13) % 1000)::float8 + 0.5 AS d) x`,
    [from, to, new Date(NOW), total],
  );
  await db.exec(`VACUUM ANALYZE ${db.table('spans')}`);
}

const traces = (search: TraceSearch) => (s: DatabaseSession) =>
  searchTraces(s, { ...WINDOW, limit: 20, ...search });

const SEARCHES: [string, (session: DatabaseSession) => Promise<unknown>][] = [
  ['traces: window only', traces({})],
  [
    'traces: service+operation+duration, 0.1% match',
    traces({ service: 'svc-3', operation: 'op-7', minDurationMs: 999 }),
  ],
  [
    'traces: service+operation+duration, 90% match',
    traces({ service: 'svc-3', operation: 'op-7', minDurationMs: 100 }),
  ],
  [
    'traces: service+operation+duration, no match',
    traces({ service: 'svc-3', operation: 'op-7', minDurationMs: 5000 }),
  ],
  ['traces: duration only, no match', traces({ minDurationMs: 5000 })],
  ['traces: errors', traces({ status: 'error' })],
  ['traces: service+errors', traces({ service: 'svc-3', status: 'error' })],
  ['traces: service+ok status, no match', traces({ service: 'svc-3', status: 'ok' })],
  ['traces: attribute', traces({ attributes: { route: '/r/7' } })],
  [
    'spans: service+operation+duration, no match',
    (s) => searchSpans(s, { service: 'svc-3', operation: 'op-7', minDurationMs: 5000 }),
  ],
  [
    'spans: service+operation+duration, 90% match',
    (s) => searchSpans(s, { service: 'svc-3', operation: 'op-7', minDurationMs: 100 }),
  ],
  ['list services', (s) => listServices(s)],
  ['list operations', (s) => listOperations(s, 'svc-3')],
];

export default async function spanSearchBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_span_search');
  const results: BenchResult[] = [];
  try {
    for (const size of SIZES) {
      // Regenerated whole for each size, so every span stays inside the window.
      await db.exec(`TRUNCATE ${db.table('spans')}`);
      await addSpans(db, 0, size, size);
      const m = await interleavedRounds(
        ROUNDS,
        Object.fromEntries(SEARCHES.map(([name, search]) => [name, () => timeMs(() => search(db))])),
      );
      const label = `${(size / 1e6).toString()}M spans`;
      for (const [name] of SEARCHES) {
        const times = m[name]!;
        results.push(
          compareRounds(
            `span search: ${name}, ${label}`,
            'ms',
            times,
            times.map(() => 10),
            'budget of 10 ms',
            '<= 1',
          ),
        );
      }
    }
    return results;
  } finally {
    await dropBenchDatabase(db);
  }
}
