import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedEdges, insertCallSpans } from '../../../bench/callSpans.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { aggregateServiceEdges } from '../../../src/tracing/aggregateServiceEdges.js';
import { serviceGraph } from '../../../src/tracing/serviceGraph.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from '../api/apiTestApp.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const MINUTE = 60_000;
const clock = new ManualClock(NOW);
/** Traces 1..600 over the hour ending 10 minutes ago; traces 601..700 in the last minute. */
const OLD = { first: 1, last: 600, start: new Date(NOW - 70 * MINUTE), spacingMs: (60 * MINUTE) / 600 };
const RECENT = { first: 601, last: 700, start: new Date(NOW - MINUTE), spacingMs: 500 };
const WINDOW = { from: new Date(NOW - 2 * 3_600_000), to: new Date(NOW) };
let app: Hono;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

function callsOf(graph: { edges: { caller: string; callee: string; calls: number; errors: number }[] }) {
  return graph.edges
    .map(({ caller, callee, calls, errors }) => ({ caller, callee, calls, errors }))
    .sort((a, b) => `${a.caller}>${a.callee}`.localeCompare(`${b.caller}>${b.callee}`));
}

function sorted(edges: ReturnType<typeof expectedEdges>) {
  return [...edges].sort((a, b) => `${a.caller}>${a.callee}`.localeCompare(`${b.caller}>${b.callee}`));
}

async function edgeRows(): Promise<number> {
  const { rows } = await ctx.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${ctx.db.table('service_edges')}`,
  );
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  await insertCallSpans(ctx.db, OLD);
  await insertCallSpans(ctx.db, RECENT);
  app = createTestApp(ctx.db, clock);
});

describe('service map', () => {
  it('answers from the spans alone before the job has run', async () => {
    const graph = await serviceGraph(ctx.db, WINDOW);
    expect(graph.aggregatedUntil).toBeNull();
    expect(callsOf(graph)).toEqual(sorted(expectedEdges(1, 700)));
  });

  it('aggregates settled minutes once, and answers the same from aggregates plus the live tail', async () => {
    const first = await aggregateServiceEdges(ctx.db, { clock });
    // Settled: whole minutes at least two minutes old. The recent traces are not aggregated yet.
    expect(first.aggregatedUntil).toEqual(new Date(NOW - 2 * MINUTE));
    // 3 edges in each of the 60 minutes of the old traces.
    expect(first.rows).toBe(180);
    const again = await aggregateServiceEdges(ctx.db, { clock });
    expect(again.rows).toBe(0);
    expect(await edgeRows()).toBe(180);

    const graph = await serviceGraph(ctx.db, WINDOW);
    expect(graph.aggregatedUntil).toEqual(new Date(NOW - 2 * MINUTE));
    expect(callsOf(graph)).toEqual(sorted(expectedEdges(1, 700)));
    expect(graph.services.map((s) => s.service)).toEqual(['gateway', 'orders', 'orders-db', 'payments']);
  });

  it('reads only the minutes of the range', async () => {
    // The first half hour of the old traces: traces 1..300.
    const graph = await serviceGraph(ctx.db, {
      from: OLD.start,
      to: new Date(OLD.start.getTime() + 30 * MINUTE),
    });
    expect(callsOf(graph)).toEqual(sorted(expectedEdges(1, 300)));
    const edge = graph.edges.find((e) => e.callee === 'payments')!;
    expect(edge.ratePerSecond).toBeCloseTo(300 / 1800, 6);
    expect(edge.errorRate).toBeCloseTo(15 / 300, 6);
  });

  it('gives the p95 of each edge within 1% of the exact percentile', async () => {
    const graph = await serviceGraph(ctx.db, WINDOW);
    const { rows } = await ctx.db.query<{ caller: string; callee: string; p95: number }>(
      `SELECT p.service_name AS caller, c.service_name AS callee,
              percentile_disc(0.95) WITHIN GROUP (ORDER BY c.duration_ms) AS p95
         FROM ${ctx.db.table('spans')} c JOIN ${ctx.db.table('spans')} p
           ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
        WHERE p.service_name <> c.service_name GROUP BY 1, 2`,
    );
    expect(rows).toHaveLength(3);
    for (const exact of rows) {
      const edge = graph.edges.find((e) => e.caller === exact.caller && e.callee === exact.callee)!;
      expect(Math.abs(edge.p95Ms! - exact.p95) / exact.p95).toBeLessThanOrEqual(0.011);
    }
  });

  it('adds only the new minutes as time goes on, never counting a minute twice under concurrent runs', async () => {
    await insertCallSpans(ctx.db, { first: 701, last: 1000, start: new Date(NOW + MINUTE), spacingMs: 100 });
    clock.set(NOW + 10 * MINUTE);
    const runs = await Promise.all([
      aggregateServiceEdges(ctx.db, { clock }),
      aggregateServiceEdges(ctx.db, { clock }),
    ]);
    // The recent traces (one minute) and the new ones (one minute): 3 edges each.
    expect(runs[0].rows + runs[1].rows).toBe(6);
    const graph = await serviceGraph(ctx.db, { from: WINDOW.from, to: new Date(NOW + 10 * MINUTE) });
    expect(callsOf(graph)).toEqual(sorted(expectedEdges(1, 1000)));
    clock.set(NOW);
  });

  it('serves GET /api/services/graph with rates, error rates and p95 per edge', async () => {
    const response = await app.fetch(
      new Request(
        `http://pgtel.test/api/services/graph?from=${WINDOW.from.toISOString()}&to=${WINDOW.to.toISOString()}`,
      ),
    );
    expect(response.status).toBe(200);
    const body: Json = await response.json();
    expect(body.from).toBe(WINDOW.from.toISOString());
    const payments = body.edges.find((e: Json) => e.callee === 'payments');
    expect(payments).toMatchObject({ caller: 'gateway', calls: 700, errors: 35 });
    expect(payments.errorRate).toBeCloseTo(0.05, 6);
    expect(payments.ratePerSecond).toBeCloseTo(700 / 7200, 6);
    expect(payments.p95Ms).toBeGreaterThan(90);
    expect(body.services).toContainEqual({ service: 'payments', callsIn: 700, callsOut: 0, errorsIn: 35 });
  });

  it('refuses a bad range with 400 and a message', async () => {
    const response = await app.fetch(
      new Request('http://pgtel.test/api/services/graph?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z'),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toContain('from must be before to');
    const unknown = await app.fetch(new Request('http://pgtel.test/api/services/graph?service=x'));
    expect(unknown.status).toBe(400);
  });
});
