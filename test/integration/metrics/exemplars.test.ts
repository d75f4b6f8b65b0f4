import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  type Span,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { rollupMetrics } from '../../../src/metrics/rollupMetrics.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const sampled = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('exemplars');
const unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('exemplars');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

/** Runs `fn` with a new span active; returns the span's ids. */
function inSpan(tracer = sampled, fn: () => void = () => {}): { traceId: string; spanId: string } {
  const span: Span = tracer.startSpan('work') as Span;
  context.with(trace.setSpan(context.active(), span), fn);
  span.end();
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

const silent = createLogger('silent');
type Options = ConstructorParameters<typeof MetricsCollector>[0];
const collector = (clock: ManualClock, options: Options = {}) =>
  new MetricsCollector({ db: ctx.db, clock, logger: silent, flushIntervalMs: 0, ...options });

interface StoredExemplar {
  trace_id: string;
  span_id: string;
  value: number;
  observed_at: string;
}

async function exemplarsOf(name: string) {
  const { rows } = await ctx.db.query<{ labels: Record<string, string>; exemplars: StoredExemplar[] | null }>(
    `SELECT labels, exemplars FROM ${ctx.db.table('metrics')} WHERE metric_name = $1 ORDER BY recorded_at, id`,
    [name],
  );
  return rows;
}

describe('exemplars of the in-process collector', () => {
  it('stores the highest value recorded in a sampled span with its trace and span ids', async () => {
    const clock = new ManualClock('2026-05-04T10:00:00Z');
    const metrics = collector(clock);
    const latency = metrics.createHistogram('ex_latency_ms');
    for (let i = 0; i < 1_000; i++) latency.record(1 + (i % 50), { route: '/a' });
    clock.advance(1_500);
    const slow = inSpan(sampled, () => latency.record(900, { route: '/a' }));
    const hidden = inSpan(unsampled, () => latency.record(5_000, { route: '/a' }));
    inSpan(sampled, () => latency.record(3, { route: '/b' }));
    await metrics.flush();

    const rows = await exemplarsOf('ex_latency_ms');
    const a = rows.find((r) => r.labels.route === '/a')!;
    expect(a.exemplars).toEqual([
      { trace_id: slow.traceId, span_id: slow.spanId, value: 900, observed_at: '2026-05-04T10:00:01.500Z' },
    ]);
    expect(JSON.stringify(rows)).not.toContain(hidden.traceId);
    expect(rows.find((r) => r.labels.route === '/b')!.exemplars?.map((e) => e.value)).toEqual([3]);

    // The next interval starts empty: no exemplar, NULL.
    latency.record(10, { route: '/a' });
    await metrics.flush();
    expect((await exemplarsOf('ex_latency_ms')).at(-1)!.exemplars).toBeNull();
  });

  it('gives exemplars to counters, bound handles, timers and raw rows, and reads them through metric_exemplars', async () => {
    const clock = new ManualClock('2026-05-04T11:00:00Z');
    const metrics = collector(clock, { rawMetrics: ['ex_raw_ms'] });
    const counter = metrics.createCounter('ex_jobs_total');
    const bound = metrics.createHistogram('ex_bound_ms').bind({ queue: 'q' });
    const timed = metrics.createHistogram('ex_timed_ms');
    const raw = metrics.createHistogram('ex_raw_ms');
    const spans = {
      counter: inSpan(sampled, () => counter.add(2)),
      bound: inSpan(sampled, () => bound.record(7)),
      timer: inSpan(sampled, () => {
        const end = timed.startTimer();
        clock.advance(250);
        end();
      }),
      raw: inSpan(sampled, () => raw.record(42)),
    };
    raw.record(43);
    await metrics.flush();

    const { rows } = await ctx.db.query<{
      metric_name: string;
      metric_type: string;
      trace_id: string;
      span_id: string;
      value: number;
      observed_at: Date;
      attributes: unknown;
    }>(
      `SELECT metric_name, metric_type, trace_id, span_id, value, observed_at, attributes
         FROM ${ctx.db.table('metric_exemplars')} WHERE metric_name LIKE 'ex\\_%' AND recorded_at >= $1
        ORDER BY metric_name`,
      [new Date('2026-05-04T11:00:00Z')],
    );
    expect(rows.map((r) => [r.metric_name, r.metric_type, r.trace_id, r.span_id, r.value])).toEqual([
      ['ex_bound_ms', 'histogram', spans.bound.traceId, spans.bound.spanId, 7],
      ['ex_jobs_total', 'counter', spans.counter.traceId, spans.counter.spanId, 2],
      ['ex_raw_ms', 'histogram', spans.raw.traceId, spans.raw.spanId, 42],
      ['ex_timed_ms', 'histogram', spans.timer.traceId, spans.timer.spanId, 250],
    ]);
    expect(rows[0]!.attributes).toEqual({});
    expect(rows[0]!.observed_at).toBeInstanceOf(Date);
    // The raw observation made outside a span is a row without an exemplar.
    expect((await exemplarsOf('ex_raw_ms')).map((r) => r.exemplars === null)).toEqual([false, true]);
  });

  it('keeps at most exemplarsPerSeries per interval, and none when set to 0', async () => {
    const clock = new ManualClock('2026-05-04T12:00:00Z');
    const two = collector(clock, { exemplarsPerSeries: 2 });
    const off = collector(clock, { exemplarsPerSeries: 0 });
    inSpan(sampled, () => {
      for (let i = 0; i < 500; i++) {
        two.histogram('ex_two_ms', (i * 37) % 101);
        off.histogram('ex_off_ms', i);
      }
    });
    await two.flush();
    await off.flush();
    const [kept] = await exemplarsOf('ex_two_ms');
    expect(kept!.exemplars!.length).toBeGreaterThanOrEqual(1);
    expect(kept!.exemplars!.length).toBeLessThanOrEqual(2);
    expect(kept!.exemplars![0]!.value).toBe(100);
    expect((await exemplarsOf('ex_off_ms'))[0]!.exemplars).toBeNull();
    expect(() => collector(clock, { exemplarsPerSeries: -1 })).toThrow(/exemplarsPerSeries/);
    expect(() => collector(clock, { exemplarsPerSeries: 1.5 })).toThrow(/exemplarsPerSeries/);
  });

  it('keeps the 8 highest exemplars of a series-hour in the hourly rollup', async () => {
    const clock = new ManualClock('2026-05-05T00:00:00Z');
    const metrics = collector(clock);
    const latency = metrics.createHistogram('ex_hourly_ms');
    const top: number[] = [];
    for (let flush = 0; flush < 6; flush++) {
      for (let i = 0; i < 5; i++) {
        const value = flush * 100 + i * 10 + 1;
        inSpan(sampled, () => latency.record(value, { shard: 'x' }));
        top.push(value);
      }
      clock.advance(500_000); // six flushes, all within the hour
      await metrics.flush();
    }
    clock.set(new Date('2026-05-05T02:00:00Z'));
    await rollupMetrics(ctx.db, { clock, lookbackHours: 3 });
    const { rows } = await ctx.db.query<{ exemplars: StoredExemplar[] }>(
      `SELECT exemplars FROM ${ctx.db.table('metrics_hourly')} WHERE metric_name = 'ex_hourly_ms'`,
    );
    expect(rows).toHaveLength(1);
    const stored = (await exemplarsOf('ex_hourly_ms')).flatMap((r) => r.exemplars ?? []);
    const expected = stored
      .map((e) => e.value)
      .sort((a, b) => b - a)
      .slice(0, 8);
    expect(stored.length).toBeGreaterThan(8);
    expect(rows[0]!.exemplars.map((e) => e.value)).toEqual(expected);
    expect(rows[0]!.exemplars[0]!.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});
