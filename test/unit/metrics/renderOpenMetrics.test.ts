import { describe, expect, it } from 'vitest';
import { expositionFormat } from '../../../src/http/createApp.js';
import type { Exemplar } from '../../../src/metrics/ExemplarReservoir.js';
import { LogSketch } from '../../../src/metrics/LogSketch.js';
import type { MetricSnapshot } from '../../../src/metrics/MetricsCollector.js';
import { renderPrometheus } from '../../../src/metrics/renderPrometheus.js';

const T = 'a'.repeat(32);
const exemplar = (value: number, time: number, span = 'b'): Exemplar => ({
  traceId: T,
  spanId: span.repeat(16),
  value,
  time,
});

function histogram(values: number[]): LogSketch {
  const sketch = new LogSketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

const metrics: MetricSnapshot[] = [
  {
    name: 'http.requests_total',
    kind: 'counter',
    description: 'Requests "served"',
    unit: '',
    buckets: undefined,
    series: [{ labels: { code: '200' }, value: 3, exemplars: [exemplar(1, 1_764_000_000_123)] }],
  },
  {
    name: 'latency_ms',
    kind: 'histogram',
    description: '',
    unit: 'ms',
    buckets: [10, 100],
    series: [
      {
        labels: { route: '/a' },
        value: 1_555,
        histogram: histogram([5, 50, 500, 1_000]),
        exemplars: [
          exemplar(50, 1_764_000_000_000, 'c'),
          exemplar(60, 1_764_000_001_000, 'd'),
          exemplar(1_000, 1_764_000_000_500, 'e'),
        ],
      },
    ],
  },
  {
    name: 'in_flight',
    kind: 'updowncounter',
    description: '',
    unit: '1',
    buckets: undefined,
    series: [{ labels: {}, value: 2, exemplars: [exemplar(1, 1_764_000_000_000)] }],
  },
];

describe('renderPrometheus in OpenMetrics format', () => {
  it('names counter families without _total, adds UNIT, exemplars per bucket and # EOF', () => {
    expect(renderPrometheus(metrics, 'openmetrics')).toBe(
      [
        '# HELP http_requests Requests \\"served\\"',
        '# TYPE http_requests counter',
        `http_requests_total{code="200"} 3 # {trace_id="${T}",span_id="${'b'.repeat(16)}"} 1 1764000000.123`,
        '# TYPE latency_ms histogram',
        '# UNIT latency_ms ms',
        'latency_ms_bucket{route="/a",le="10"} 1',
        // Two exemplars fall in (10, 100]: the most recent one is shown.
        `latency_ms_bucket{route="/a",le="100"} 2 # {trace_id="${T}",span_id="${'d'.repeat(16)}"} 60 1764000001.000`,
        `latency_ms_bucket{route="/a",le="+Inf"} 4 # {trace_id="${T}",span_id="${'e'.repeat(16)}"} 1000 1764000000.500`,
        'latency_ms_sum{route="/a"} 1555',
        'latency_ms_count{route="/a"} 4',
        // A gauge in OpenMetrics: exemplars are not allowed there.
        '# TYPE in_flight gauge',
        'in_flight 2',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('leaves the 0.0.4 text without exemplars, UNIT or EOF', () => {
    const text = renderPrometheus(metrics);
    expect(text).not.toMatch(/trace_id|# UNIT|# EOF/);
    expect(text).toContain('# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 3\n');
  });

  it('renders a counter family and a gauge of its sample name once', () => {
    const clash: MetricSnapshot[] = [
      { ...metrics[0]!, name: 'jobs', series: [{ labels: {}, value: 1 }] },
      { ...metrics[2]!, name: 'jobs_total', series: [{ labels: {}, value: 2 }] },
    ];
    const text = renderPrometheus(clash, 'openmetrics');
    expect(text.match(/^jobs_total/gm)).toHaveLength(1);
  });
});

describe('expositionFormat', () => {
  it('picks OpenMetrics when the Accept header offers it with q above 0', () => {
    const prometheus =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(expositionFormat(prometheus)).toBe('openmetrics');
    expect(expositionFormat('Application/OpenMetrics-Text; version=1.0.0')).toBe('openmetrics');
    expect(expositionFormat('application/openmetrics-text;q=0, text/plain')).toBe('prometheus');
    expect(expositionFormat('text/plain;version=0.0.4')).toBe('prometheus');
    expect(expositionFormat('*/*')).toBe('prometheus');
    expect(expositionFormat(undefined)).toBe('prometheus');
  });
});
