import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricFlusher } from '../../../src/metrics/MetricFlusher.js';
import { MetricRecorder } from '../../../src/metrics/MetricRecorder.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

function parts(options: { withDb: boolean; maxPendingRows?: number }) {
  const clock = new ManualClock();
  const logger = createLogger('silent');
  let flusher: MetricFlusher | undefined;
  const recorder = new MetricRecorder({
    clock,
    logger,
    rawMetrics: ['raw_ms'],
    exemplarsPerSeries: 0,
    raw: (instrument, series, value) => flusher!.keepRaw(instrument, series, value),
  });
  flusher = new MetricFlusher({
    recorder,
    db: options.withDb ? ctx.db : undefined,
    clock,
    logger,
    flushIntervalMs: 0,
    maxPendingRows: options.maxPendingRows,
    exemplars: false,
    origin: { serviceName: 'flusher', resource: {}, scopeName: '', scopeVersion: '' },
  });
  return { clock, recorder, flusher };
}

async function storedRows(name: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ctx.db.table('metrics')} WHERE metric_name = $1`,
    [name],
  );
  return rows[0]!.n;
}

describe('MetricFlusher', () => {
  it('writes one row per active series per interval, and raw observations one by one', async () => {
    const { clock, recorder, flusher } = parts({ withDb: true });
    recorder.instrument('flushed_total', 'counter').record(2, { code: '200' });
    recorder.instrument('flushed_total', 'counter').record(3, { code: '500' });
    recorder.instrument('raw_ms', 'histogram').record(1);
    recorder.instrument('raw_ms', 'histogram').record(2);
    clock.advance(1000);
    expect(await flusher.flush()).toMatchObject({ rows: 4, written: 4, pending: 0 });
    expect(await storedRows('flushed_total')).toBe(2);
    expect(await storedRows('raw_ms')).toBe(2);
    // An interval without observations writes nothing.
    clock.advance(1000);
    expect(await flusher.flush()).toMatchObject({ rows: 0 });
    await flusher.shutdown();
  });

  it('drops and counts raw observations beyond its buffer', async () => {
    const { recorder, flusher } = parts({ withDb: true, maxPendingRows: 2 });
    const raw = recorder.instrument('raw_ms', 'histogram');
    for (const value of [1, 2, 3]) raw.record(value);
    expect(flusher.stats().droppedRawObservations).toBe(1);
    await flusher.shutdown();
  });

  it('without a database, counts the rows of an interval and writes nothing', async () => {
    const { recorder, flusher } = parts({ withDb: false });
    recorder.instrument('memory_total', 'counter').record(1);
    recorder.instrument('raw_ms', 'histogram').record(5);
    expect(await flusher.flush()).toEqual({ rows: 1, written: 0, pending: 0 });
    expect(flusher.stats()).toMatchObject({ writtenRows: 0, droppedRawObservations: 0 });
    await flusher.shutdown();
  });
});
