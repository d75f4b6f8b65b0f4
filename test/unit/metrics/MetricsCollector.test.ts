import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';

function inMemory(clock = new ManualClock()) {
  return new MetricsCollector({ clock, flushIntervalMs: 0, logger: createLogger('silent') });
}

const seriesOf = (m: MetricsCollector, name: string) =>
  m.snapshot().find((s) => s.name === name)?.series ?? [];

describe('MetricsCollector in memory', () => {
  it('keeps cumulative values across flushes for exposition', async () => {
    const metrics = inMemory();
    const requests = metrics.createCounter('requests_total', { description: 'Requests' });
    requests.add(2, { code: '200' });
    await metrics.flush();
    requests.add(3, { code: '200' });
    requests.add(1, { code: '500' });
    expect(seriesOf(metrics, 'requests_total').map((s) => [s.labels.code, s.value])).toEqual([
      ['200', 5],
      ['500', 1],
    ]);
    const active = metrics.createUpDownCounter('active');
    active.add(3);
    active.add(-5);
    expect(seriesOf(metrics, 'active')[0]!.value).toBe(-2);
    const depth = metrics.createGauge('depth');
    depth.set(4);
    await metrics.flush();
    expect(seriesOf(metrics, 'depth')[0]!.value).toBe(4);
  });

  it('bound handles record into their series and refuse bad values like the unbound path', () => {
    const metrics = inMemory();
    const bound = metrics.createCounter('bound_total').bind({ worker: '1' });
    bound.add();
    bound.add(4);
    bound.add(-1);
    bound.add(Number.NaN);
    expect(seriesOf(metrics, 'bound_total')[0]).toMatchObject({ labels: { worker: '1' }, value: 5 });
    expect(metrics.stats().invalidObservations).toBe(2);
    const badLabels = metrics.createGauge('bad_bound').bind({ x: { no: 1 } as unknown as string });
    badLabels.set(1);
    badLabels.set(2);
    expect(seriesOf(metrics, 'bad_bound')).toEqual([]);
    expect(metrics.stats().invalidObservations).toBe(5);
  });

  it('times with the injected clock: milliseconds, or seconds for unit s', () => {
    const clock = new ManualClock();
    const metrics = inMemory(clock);
    const ms = metrics.createHistogram('work_ms');
    const end = ms.startTimer({ step: 'load' });
    clock.advance(250);
    expect(end({ outcome: 'ok' })).toBe(250);
    const s = metrics.createHistogram('work_seconds', { unit: 's' }).bind();
    const stop = s.startTimer();
    clock.advance(1500);
    expect(stop()).toBe(1.5);
    const [series] = seriesOf(metrics, 'work_ms');
    expect(series!.labels).toEqual({ outcome: 'ok', step: 'load' });
    expect(series!.histogram!.quantile(0.5)).toBe(250);
  });

  it('returns the same instrument for the same name and kind, and refuses a kind conflict', () => {
    const metrics = inMemory();
    const a = metrics.createCounter('shared_total');
    a.add(1);
    metrics.counter('shared_total', 2);
    metrics.createHistogram('shared_total').record(5);
    expect(seriesOf(metrics, 'shared_total')[0]!.value).toBe(3);
    expect(metrics.stats().invalidByMetric).toEqual({ '"shared_total"': 1 });
  });

  it('bounds memory: series per metric and number of metrics', () => {
    const metrics = new MetricsCollector({
      flushIntervalMs: 0,
      maxSeriesPerMetric: 10,
      maxMetrics: 5,
      logger: createLogger('silent'),
    });
    for (let i = 0; i < 1000; i++) metrics.histogram('h', i, { id: String(i) });
    expect(seriesOf(metrics, 'h')).toHaveLength(11);
    expect(seriesOf(metrics, 'h').at(-1)!.labels).toEqual({ otel_metric_overflow: 'true' });
    for (let i = 0; i < 100; i++) metrics.counter(`name_${i}`);
    expect(metrics.snapshot()).toHaveLength(5);
    expect(metrics.stats()).toMatchObject({ overflowObservations: 990, invalidObservations: 96 });
  });

  it('treats one label set given in any key order, or with numbers for strings, as one series', () => {
    const metrics = inMemory();
    metrics.counter('order_total', 1, { a: '1', b: '2' });
    metrics.counter('order_total', 1, { b: '2', a: '1' });
    metrics.counter('order_total', 1, { b: 2, a: 1 });
    metrics.counter('order_total', 1, { a: '1', b: '3' });
    expect(seriesOf(metrics, 'order_total').map((s) => [s.labels, s.value])).toEqual([
      [{ a: '1', b: '2' }, 3],
      [{ a: '1', b: '3' }, 1],
    ]);
  });

  it('keeps raw-mode values for exposition without buffering rows when there is no database', () => {
    const metrics = new MetricsCollector({
      flushIntervalMs: 0,
      maxPendingRows: 10,
      logger: createLogger('silent'),
    });
    const exact = metrics.createHistogram('exact_ms', { raw: true });
    for (let i = 0; i < 100; i++) exact.record(i);
    expect(seriesOf(metrics, 'exact_ms')[0]!.histogram!.count).toBe(100);
    expect(metrics.stats().droppedRawObservations).toBe(0);
  });

  it('needs a database for queries and says so', () => {
    const metrics = inMemory();
    expect(() => metrics.query('x')).toThrow(/needs a database/);
  });
});
