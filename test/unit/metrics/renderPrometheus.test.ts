import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import {
  prometheusLabelName,
  prometheusMetricName,
  renderPrometheus,
} from '../../../src/metrics/renderPrometheus.js';

describe('renderPrometheus', () => {
  it('renders counters, gauges and histograms in text format 0.0.4', () => {
    const metrics = new MetricsCollector({ flushIntervalMs: 0, logger: createLogger('silent') });
    metrics
      .createCounter('http.requests', { description: 'Requests\nserved \\ total' })
      .add(3, { code: '200' });
    metrics.createUpDownCounter('in_flight').add(-2);
    const h = metrics.createHistogram('latency_ms', { buckets: [100, 10, 1000] });
    for (const v of [5, 50, 500, 5000]) h.record(v, { route: '/a' });
    expect(renderPrometheus(metrics.snapshot())).toBe(
      [
        '# HELP http_requests_total Requests\\nserved \\\\ total',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200"} 3',
        '# TYPE in_flight gauge',
        'in_flight -2',
        '# TYPE latency_ms histogram',
        'latency_ms_bucket{route="/a",le="10"} 1',
        'latency_ms_bucket{route="/a",le="100"} 2',
        'latency_ms_bucket{route="/a",le="1000"} 3',
        'latency_ms_bucket{route="/a",le="+Inf"} 4',
        'latency_ms_sum{route="/a"} 5555',
        'latency_ms_count{route="/a"} 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and makes names valid', () => {
    const metrics = new MetricsCollector({ flushIntervalMs: 0, logger: createLogger('silent') });
    metrics.gauge('g', 1, { 'weird-name': 'a "quoted" \\ value\nnext', __reserved: 'x', '9lives': 'y' });
    expect(renderPrometheus(metrics.snapshot())).toContain(
      'g{_9lives="y",x__reserved="x",weird_name="a \\"quoted\\" \\\\ value\\nnext"} 1',
    );
    expect(prometheusMetricName('1.a/b')).toBe('_1_a_b');
    expect(prometheusLabelName('le')).toBe('le');
  });

  it('renders a name once when two metrics collide after cleaning', () => {
    const metrics = new MetricsCollector({ flushIntervalMs: 0, logger: createLogger('silent') });
    metrics.gauge('a.b', 1);
    metrics.gauge('a_b', 2);
    const text = renderPrometheus(metrics.snapshot());
    expect(text.match(/# TYPE a_b/g)).toHaveLength(1);
    expect(text).toContain('a_b 1');
  });
});
