import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  otelMetricRows,
  sketchFromExplicit,
  sketchFromExponential,
} from '../../../src/metrics/otelMetricRows.js';

const time: [number, number] = [1_767_225_600, 500_000_000];
const descriptor = (name: string) => ({ name, description: '', unit: 'ms', valueType: 1 });

function resource(metrics: unknown[]): ResourceMetrics {
  return { resource: {}, scopeMetrics: [{ scope: { name: 's' }, metrics }] } as unknown as ResourceMetrics;
}

describe('otelMetricRows', () => {
  it('turns delta sums into counter rows and cumulative sums into gauge rows, with string labels', () => {
    const { rows } = otelMetricRows(
      resource([
        {
          descriptor: descriptor('a.total'),
          aggregationTemporality: 0,
          dataPointType: 3,
          isMonotonic: true,
          dataPoints: [
            { startTime: time, endTime: time, attributes: { code: 200, ok: true, tags: ['x'] }, value: 4 },
          ],
        },
        {
          descriptor: descriptor('b.level'),
          aggregationTemporality: 1,
          dataPointType: 3,
          isMonotonic: false,
          dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: -2 }],
        },
      ]),
    );
    expect(rows.map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['a.total', 'counter', 4, { code: '200', ok: 'true', tags: '["x"]' }],
      ['b.level', 'gauge', -2, {}],
    ]);
    expect(rows[0]![3].toISOString()).toBe('2026-01-01T00:00:00.500Z');
  });

  it('skips and reports what it cannot store: bad names, NaN values, cumulative histograms', () => {
    const histogram = { buckets: { boundaries: [10], counts: [1, 1] }, count: 2, sum: 15, min: 5, max: 10 };
    const { rows, skipped } = otelMetricRows(
      resource([
        {
          descriptor: descriptor('bad name'),
          aggregationTemporality: 0,
          dataPointType: 2,
          dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: 1 }],
        },
        {
          descriptor: descriptor('g'),
          aggregationTemporality: 0,
          dataPointType: 2,
          dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: Number.NaN }],
        },
        {
          descriptor: descriptor('h'),
          aggregationTemporality: 1,
          dataPointType: 0,
          dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: histogram }],
        },
      ]),
    );
    expect(rows).toEqual([]);
    expect(skipped.map((s) => [s.name, s.points])).toEqual([
      ['bad name', 1],
      ['g', 1],
      ['h', 1],
    ]);
    expect(skipped[2]!.reason).toMatch(/delta temporality/);
  });

  it('converts explicit buckets with exact count, sum, min and max, values inside their buckets', () => {
    const sketch = sketchFromExplicit({
      buckets: { boundaries: [10, 100], counts: [2, 0, 3] },
      count: 5,
      sum: 1234,
      min: 4,
      max: 400,
    });
    expect([sketch.count, sketch.sum, sketch.min, sketch.max]).toEqual([5, 1234, 4, 400]);
    expect(sketch.quantile(0.25)!).toBeLessThanOrEqual(10);
    expect(sketch.quantile(0.75)!).toBeGreaterThan(100);
  });

  it('converts exponential buckets, zeros and negatives included', () => {
    const sketch = sketchFromExponential({
      count: 4,
      sum: 0,
      scale: 3,
      zeroCount: 1,
      positive: { offset: 8, bucketCounts: [2] }, // (2^(8/8), 2^(9/8)] = (2, 2.18]
      negative: { offset: 0, bucketCounts: [1] }, // [-1.09, -1)
    });
    expect(sketch.count).toBe(4);
    expect(sketch.quantile(0)!).toBeCloseTo(-1.044, 1);
    expect(sketch.countAtOrBelow(0)).toBe(2);
    expect(sketch.quantile(1)!).toBeGreaterThan(2);
    expect(sketch.quantile(1)!).toBeLessThan(2.19);
  });
});
