import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { renderPrometheus } from '../../../src/metrics/renderPrometheus.js';

const promtool = '/usr/bin/promtool';

describe.runIf(existsSync(promtool))('Prometheus exposition checked by promtool', () => {
  it('passes `promtool check metrics` with escaped labels, gauges and histograms', () => {
    const metrics = new MetricsCollector({ flushIntervalMs: 0, logger: createLogger('silent') });
    const labels = { path: '/a "b"\nc\\d', sql: "'; DROP TABLE x; --", 'dotted.name': 'ü' };
    metrics
      .createCounter('http.requests_total', { description: 'Requests "served"\nin total' })
      .add(3, labels);
    metrics.createGauge('queue_depth', { description: 'Jobs waiting' }).set(-4.5, labels);
    const h = metrics.createHistogram('request_duration_seconds', {
      description: 'Request time',
      unit: 's',
      buckets: [0.01, 0.1, 1, 10],
    });
    for (let i = 0; i < 1000; i++) h.record(((i * 37) % 12000) / 1000, labels);
    const jobs = metrics.createCounter('jobs_total', { description: 'Jobs' });
    for (let i = 0; i < 3; i++) jobs.add(1, { i: String(i) });
    const text = renderPrometheus(metrics.snapshot());
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);

    const broken = spawnSync(promtool, ['check', 'metrics'], { input: 'x{a="b} 1\n', encoding: 'utf8' });
    expect(broken.status).toBe(1);
  });
});
