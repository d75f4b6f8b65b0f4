import { describe, expect, it } from 'vitest';
import { logCountSamples } from '../../../src/promql/logCountSamples.js';

describe('logCountSamples', () => {
  it('is a running count per service and severity: 0 at the start, a sample each step and at the end', () => {
    const series = logCountSamples(
      [
        { service: 'api', severity: 'error', step: 1, count: 2 },
        { service: 'api', severity: 'error', step: 3, count: 1 },
        { service: '', severity: 'info', step: 2, count: 5 },
      ],
      1_000,
      41_000,
      15_000,
    );
    expect(
      series.map((s) => ({ labels: s.labels, timestamps: [...s.timestamps], values: [...s.values] })),
    ).toEqual([
      {
        labels: { __name__: 'pgtel_log_records_total', service_name: 'api', severity: 'error' },
        timestamps: [1_000, 16_000, 31_000, 41_000],
        values: [0, 2, 2, 3],
      },
      {
        labels: { __name__: 'pgtel_log_records_total', severity: 'info' },
        timestamps: [1_000, 16_000, 31_000, 41_000],
        values: [0, 0, 5, 5],
      },
    ]);
  });

  it('an empty range is one sample; no buckets, no series', () => {
    expect(logCountSamples([], 0, 60_000)).toEqual([]);
    const [only] = logCountSamples([{ service: 'a', severity: 'warn', step: 0, count: 4 }], 5_000, 5_000);
    expect([...only!.timestamps]).toEqual([5_000]);
    expect([...only!.values]).toEqual([4]);
  });
});
