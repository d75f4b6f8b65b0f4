import { describe, expect, it } from 'vitest';
import type { KeysetCursor } from '../../../src/db/keysetCursor.js';
import { searchTraces, type TraceSearch } from '../../../src/tracing/traceQueries.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const START = Date.parse('2026-03-10T11:00:00.000Z');
const WINDOW = { from: new Date(START), to: new Date(START + 3_600_000) };
const TRACES = 12;
const SPANS_PER_TRACE = 40;

interface Span {
  traceId: string;
  spanId: string;
  startMicros: number;
  durationMs: number;
}

/** Traces whose spans interleave in time, many matching per trace, some at the same microsecond. */
function makeSpans(): Span[] {
  const spans: Span[] = [];
  for (let t = 0; t < TRACES; t++) {
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      spans.push({
        traceId: (t + 1).toString(16).padStart(32, 'a'),
        spanId: (t * 1000 + s + 1).toString(16).padStart(16, '0'),
        // Trace t's spans every 7 s from t * 3 s (plus a few µs), so traces overlap; pairs tie.
        startMicros: (START + t * 3000 + s * 7000) * 1000 + ((t * 37 + s) % 3),
        durationMs: (t * 7 + s * 13) % 100,
      });
    }
  }
  return spans;
}

/** The page order by definition: traces by (newest matching span, trace id) descending. */
function expectedOrder(spans: Span[], matches: (s: Span) => boolean): string[] {
  const newest = new Map<string, number>();
  for (const s of spans.filter(matches))
    newest.set(s.traceId, Math.max(newest.get(s.traceId) ?? -Infinity, s.startMicros));
  return [...newest.entries()]
    .sort(([a, x], [b, y]) => y - x || (b > a ? 1 : b < a ? -1 : 0))
    .map(([id]) => id);
}

async function allPages(search: TraceSearch, limit: number) {
  const seen: string[] = [];
  let after: KeysetCursor | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await ctx.db.transaction((tx) => searchTraces(tx, { ...WINDOW, limit, after, ...search }));
    seen.push(...result.traces.map((t) => t.traceId));
    if (!result.nextCursor) return seen;
    after = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('searchTraces pages', () => {
  it('lists every matching trace once, newest match first, however many of its spans match', async () => {
    const spans = makeSpans();
    await ctx.db.copyRows(
      'spans',
      ['trace_id', 'span_id', 'operation_name', 'service_name', 'start_time', 'end_time', 'duration_ms'],
      spans.map((s) => {
        const start = new Date(Math.floor(s.startMicros / 1000));
        const iso = `${start.toISOString().slice(0, 23)}${String(s.startMicros % 1000).padStart(3, '0')}Z`;
        return [s.traceId, s.spanId, 'op', 'svc', iso, iso, s.durationMs];
      }),
    );
    for (const limit of [1, 2, 5, 50]) {
      expect(await allPages({}, limit)).toEqual(expectedOrder(spans, () => true));
      expect(await allPages({ minDurationMs: 50 }, limit)).toEqual(
        expectedOrder(spans, (s) => s.durationMs >= 50),
      );
      expect(await allPages({ minDurationMs: 99, maxDurationMs: 99 }, limit)).toEqual(
        expectedOrder(spans, (s) => s.durationMs === 99),
      );
    }
    expect(await allPages({ minDurationMs: 1000 }, 3)).toEqual([]);
  });
});
