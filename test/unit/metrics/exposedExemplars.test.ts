import { describe, expect, it } from 'vitest';
import type { Exemplar } from '../../../src/metrics/ExemplarReservoir.js';
import { ExposedExemplars } from '../../../src/metrics/ExposedExemplars.js';
import { LogSketch } from '../../../src/metrics/LogSketch.js';
import type { MetricSnapshot } from '../../../src/metrics/MetricsCollector.js';
import { renderPrometheus } from '../../../src/metrics/renderPrometheus.js';

const exemplar = (value: number, time: number, span: string): Exemplar => ({
  traceId: 'a'.repeat(32),
  spanId: span.repeat(16),
  value,
  time,
});

/** A histogram and a counter whose kept exemplars are `kept` (as the reservoir holds them at a scrape). */
function snapshot(kept: Exemplar[]): MetricSnapshot[] {
  const sketch = new LogSketch();
  for (const e of kept) sketch.add(e.value);
  return [
    {
      name: 'latency_seconds',
      kind: 'histogram',
      description: '',
      unit: 'seconds',
      buckets: [1],
      series: [{ labels: {}, value: 0, histogram: sketch, exemplars: kept }],
    },
    {
      name: 'jobs_total',
      kind: 'counter',
      description: '',
      unit: '',
      buckets: undefined,
      series: [{ labels: {}, value: 1, exemplars: kept }],
    },
  ];
}

/** The exemplar time (seconds) of each sample that has one. */
function exemplarTimes(text: string): Record<string, number> {
  const times: Record<string, number> = {};
  for (const [, sample, time] of text.matchAll(/^(\S+) \S+ # \{[^}]*\} \S+ (\S+)$/gm))
    times[sample!] = Number(time);
  return times;
}

// The reservoir keeps the interval's maximum (slot 0) and a sample of the rest; a newer sampled
// exemplar may be replaced by one in another bucket, leaving only the older maximum in this one.
const maximum = exemplar(5, 1_000, 'b');
const newer = exemplar(4, 2_000, 'c');
const elsewhere = exemplar(0.5, 3_000, 'd');

describe('exemplars across scrapes of /metrics', () => {
  it('without memory, a second scrape may show an older exemplar (what Prometheus refuses)', () => {
    const first = exemplarTimes(renderPrometheus(snapshot([maximum, newer]), 'openmetrics'));
    const second = exemplarTimes(renderPrometheus(snapshot([maximum, elsewhere]), 'openmetrics'));
    expect(second['latency_seconds_bucket{le="+Inf"}']).toBeLessThan(
      first['latency_seconds_bucket{le="+Inf"}']!,
    );
  });

  it("with the endpoint's ExposedExemplars, no sample's exemplar goes back in time", () => {
    const exposed = new ExposedExemplars();
    const scrapes = [[maximum, newer], [maximum, elsewhere], [exemplar(6, 4_000, 'e')]].map((kept) =>
      exemplarTimes(renderPrometheus(snapshot(kept), 'openmetrics', exposed)),
    );
    for (let i = 1; i < scrapes.length; i++)
      for (const [sample, time] of Object.entries(scrapes[i]!))
        expect(time, sample).toBeGreaterThanOrEqual(scrapes[i - 1]![sample] ?? 0);
    // The older maximum is not shown again: the newer exemplar stays until a newer one comes.
    expect(scrapes[1]!['latency_seconds_bucket{le="+Inf"}']).toBe(2);
    expect(scrapes[1]!['latency_seconds_bucket{le="1"}']).toBe(3);
    expect(scrapes[2]!['latency_seconds_bucket{le="+Inf"}']).toBe(4);
    expect(scrapes[1]!.jobs_total).toBe(3);
  });
});
