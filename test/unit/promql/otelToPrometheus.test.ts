import { describe, expect, it } from 'vitest';
import {
  prometheusLabelName,
  prometheusLabels,
  prometheusMetricName,
  targetInfoLabels,
  unitSuffix,
} from '../../../src/promql/otelToPrometheus.js';

describe('OpenTelemetry to Prometheus names', () => {
  it('turns dots into underscores and appends unit words', () => {
    expect(prometheusMetricName('http.server.request.duration', 's', 'histogram')).toBe(
      'http_server_request_duration_seconds',
    );
    expect(prometheusMetricName('db.latency', 'ms', 'gauge')).toBe('db_latency_milliseconds');
    expect(prometheusMetricName('process.memory', 'By', 'updowncounter')).toBe('process_memory_bytes');
    expect(prometheusMetricName('net.io', 'By/s', 'gauge')).toBe('net_io_bytes_per_second');
    expect(prometheusMetricName('queue.wait_seconds', 's', 'gauge')).toBe('queue_wait_seconds');
  });

  it('ends monotonic counters with _total and unit-1 gauges with _ratio', () => {
    expect(prometheusMetricName('http.requests', '{request}', 'counter')).toBe('http_requests_total');
    expect(prometheusMetricName('jobs.total', '', 'counter')).toBe('jobs_total');
    expect(prometheusMetricName('bytes.sent', 'By', 'counter')).toBe('bytes_sent_bytes_total');
    expect(prometheusMetricName('cpu.utilization', '1', 'gauge')).toBe('cpu_utilization_ratio');
    expect(prometheusMetricName('queue.depth', '1', 'updowncounter')).toBe('queue_depth');
    expect(prometheusMetricName('2xx.count', '', 'gauge')).toBe('_2xx_count');
  });

  it('reads UCUM units, dropping annotations', () => {
    expect(unitSuffix('ms')).toEqual(['milliseconds']);
    expect(unitSuffix('{packets}/s')).toEqual(['per', 'second']);
    expect(unitSuffix('1')).toEqual([]);
    expect(unitSuffix('Cel')).toEqual(['celsius']);
  });

  it('sanitizes label names and maps the resource to job and instance', () => {
    expect(prometheusLabelName('http.method')).toBe('http_method');
    expect(prometheusLabelName('1st')).toBe('key_1st');
    expect(
      prometheusLabels(
        'checkout',
        { 'service.namespace': 'shop', 'service.instance.id': 'pod-1', 'host.name': 'h' },
        { 'http.route': '/cart', http_route: '/x', code: '' },
      ),
    ).toEqual({ http_route: '/cart;/x', job: 'shop/checkout', instance: 'pod-1' });
    expect(prometheusLabels('api', {}, {})).toEqual({ job: 'api' });
  });

  it('puts the other resource attributes on target_info', () => {
    expect(targetInfoLabels('api', { 'service.instance.id': 'i1', 'host.name': 'h1' })).toEqual({
      __name__: 'target_info',
      host_name: 'h1',
      job: 'api',
      instance: 'i1',
    });
    expect(targetInfoLabels('api', { 'service.instance.id': 'i1' })).toBeUndefined();
  });
});
