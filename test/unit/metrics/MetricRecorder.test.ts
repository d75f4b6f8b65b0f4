import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { RefusedInstrument } from '../../../src/metrics/Instrument.js';
import { MetricQueries } from '../../../src/metrics/MetricQueries.js';
import { MetricRecorder } from '../../../src/metrics/MetricRecorder.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';

function recorder(options: { maxMetrics?: number; lines?: string[]; raw?: number[] } = {}) {
  return new MetricRecorder({
    clock: new ManualClock(),
    logger: createLogger('warn', (line) => options.lines?.push(line)),
    maxMetrics: options.maxMetrics,
    rawMetrics: ['raw_ms'],
    exemplarsPerSeries: 0,
    raw: (_instrument, _series, value) => options.raw?.push(value),
  });
}

describe('MetricRecorder', () => {
  it('registers one instrument per name and refuses another kind under it, counting and reporting once', () => {
    const lines: string[] = [];
    const r = recorder({ lines });
    const counter = r.instrument('jobs_total', 'counter');
    expect(r.instrument('jobs_total', 'counter')).toBe(counter);
    const conflict = r.instrument('jobs_total', 'gauge');
    expect(conflict).toBeInstanceOf(RefusedInstrument);
    conflict.record(1);
    conflict.record(2);
    expect(r.counters()).toMatchObject({ invalidObservations: 2, invalidByMetric: { '"jobs_total"': 2 } });
    expect(lines.filter((l) => l.includes('already exists as a counter'))).toHaveLength(1);
    expect([...r.all()].map((i) => i.name)).toEqual(['jobs_total']);
  });

  it('refuses names beyond the cap, and hands raw-mode observations on', () => {
    const raw: number[] = [];
    const r = recorder({ maxMetrics: 1, raw });
    r.instrument('raw_ms', 'histogram').record(12.5);
    expect(raw).toEqual([12.5]);
    expect(r.instrument('second', 'counter')).toBeInstanceOf(RefusedInstrument);
  });

  it('gives each new instrument once to describe, and takes back those not written', () => {
    const r = recorder();
    r.instrument('a_total', 'counter');
    const first = r.takeUndescribed();
    expect(first.map((i) => i.name)).toEqual(['a_total']);
    expect(r.takeUndescribed()).toEqual([]);
    r.returnUndescribed(first);
    expect(r.takeUndescribed().map((i) => i.name)).toEqual(['a_total']);
  });
});

describe('MetricQueries', () => {
  it('exposes the registered instruments, not refused ones, and needs a database for stored rows', () => {
    const r = recorder();
    r.instrument('depth', 'gauge', { unit: 'items' }).record(4);
    r.instrument('depth', 'counter').record(1);
    const queries = new MetricQueries(r, undefined, new ManualClock());
    expect(queries.snapshot()).toMatchObject([
      { name: 'depth', kind: 'gauge', unit: 'items', series: [{ value: 4 }] },
    ]);
    expect(() => queries.query('depth')).toThrow(/MetricsCollector.query\(\) needs a database/);
  });
});
