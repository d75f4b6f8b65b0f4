// The service map over 1M spans (200,000 traces of 5 spans over 24 hours, generated on the server):
// GET /api/services/graph's query, reading the per-minute aggregates of the service-edges job, beside
// the same graph computed by joining every child span of the range to its parent (what a map without
// aggregates does per request). Medians of interleaved rounds, for the last hour and the whole day.

import { ManualClock } from '../src/testing/ManualClock.js';
import { aggregateServiceEdges } from '../src/tracing/aggregateServiceEdges.js';
import { serviceGraph } from '../src/tracing/serviceGraph.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { expectedEdges, insertCallSpans, SPANS_PER_TRACE } from './callSpans.js';
import { type BenchResult, compareRounds, interleavedRounds } from './harness.js';

const TRACES = 200_000;
const DAY = 86_400_000;
const ROUNDS = 7;

function log(message: string): void {
  process.stderr.write(`  service-graph: ${message}\n`);
}

export default async function serviceGraphBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('bench_service_graph');
  try {
    const now = Date.parse('2026-03-10T12:00:00.000Z');
    const start = new Date(now - DAY - 5 * 60_000);
    const seeded = Date.now();
    for (let first = 1; first <= TRACES; first += 50_000)
      await insertCallSpans(db, {
        first,
        last: first + 49_999,
        start: new Date(start.getTime() + ((first - 1) * DAY) / TRACES),
        spacingMs: DAY / TRACES,
      });
    await db.exec(`ANALYZE ${db.table('spans')}`);
    log(`${TRACES * SPANS_PER_TRACE} spans stored in ${Date.now() - seeded} ms`);
    const aggregating = Date.now();
    const report = await aggregateServiceEdges(db, { clock: new ManualClock(now), maxSteps: 100 });
    log(
      `aggregated ${report.rows} rows in ${Date.now() - aggregating} ms, until ${report.aggregatedUntil?.toISOString()}`,
    );
    await db.exec(`ANALYZE ${db.table('service_edges')}`);

    const direct = (from: Date, to: Date) =>
      db.query<{ calls: string }>(
        `SELECT p.service_name AS caller, c.service_name AS callee, count(*) AS calls,
                count(*) FILTER (WHERE c.status = 'error') AS errors,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY c.duration_ms) AS p95
           FROM ${db.table('spans')} c JOIN ${db.table('spans')} p
             ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
          WHERE c.start_time >= $1 AND c.start_time < $2 AND p.service_name <> c.service_name
          GROUP BY 1, 2`,
        [from, to],
      );
    const results: BenchResult[] = [];
    for (const [label, ms] of [
      ['last hour', 3_600_000],
      ['24 hours', DAY],
    ] as const) {
      const window = { from: new Date(now - ms), to: new Date(now) };
      const graph = await serviceGraph(db, window);
      const truth = await direct(window.from, window.to);
      const calls = (rows: { calls: unknown }[]) => rows.reduce((sum, r) => sum + Number(r.calls), 0);
      if (calls(graph.edges) !== calls(truth.rows))
        throw new Error(
          `${label}: the map counts ${calls(graph.edges)} calls, the spans ${calls(truth.rows)}`,
        );
      const timed = (fn: () => Promise<unknown>) => async () => {
        const begin = process.hrtime.bigint();
        await fn();
        return Number(process.hrtime.bigint() - begin) / 1e6;
      };
      const rounds = await interleavedRounds(ROUNDS, {
        ours: timed(() => serviceGraph(db, window)),
        direct: timed(() => direct(window.from, window.to)),
      });
      results.push(
        compareRounds(
          `service map, ${label} of 1M spans`,
          'ms',
          rounds.ours,
          rounds.direct,
          'join of every child span to its parent',
          '<= 0.5',
        ),
      );
    }
    const expected = expectedEdges(1, TRACES).reduce((sum, e) => sum + e.calls, 0);
    log(`${expected} calls between services generated`);
    return results;
  } finally {
    await dropBenchDatabase(db);
  }
}
