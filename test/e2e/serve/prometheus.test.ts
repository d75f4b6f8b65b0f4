import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { hasBinary } from '../../helpers/peers.js';
import { type RunningPrometheus, startPrometheus } from '../../helpers/prometheus.js';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
let prometheus: RunningPrometheus | undefined;

afterAll(async () => {
  await prometheus?.stop();
});

/** Fills /metrics with every kind the exposition has: counters, gauges, histograms, labels to escape. */
async function exposition(): Promise<string> {
  const { server } = ctx;
  await server.jobs.runNow('self-metrics');
  await server.jobs.runNow('partitions');
  server.metrics.recordIngest('traces', 3, { invalid: 1, refused: 0 }, 12.5);
  server.metrics.collector
    .createCounter('app.requests', { description: 'Requests "served"\nby route' })
    .add(2, {
      route: '/a"b\\c\nd',
    });
  const response = await fetch(`${server.url}/metrics`);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

describe.runIf(hasBinary('promtool'))('the /metrics exposition and a real Prometheus', () => {
  it('is accepted by promtool check metrics without a lint warning', async () => {
    const text = await exposition();
    expect(text).toMatch(/^pgtel_ingest_duration_seconds_bucket\{signal="traces",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^pgtel_ingest_duration_seconds_bucket\{signal="traces",le="0\.025"\} 1$/m);
    expect(text).toMatch(/^pgtel_ingest_duration_seconds_sum\{signal="traces"\} 0\.0125$/m);
    expect(text).toMatch(/^pgtel_ingest_rejected_total\{reason="invalid",signal="traces"\} 1$/m);
    expect(text).toMatch(/^# TYPE pgtel_metrics_dropped_rows_total counter$/m);
    expect(text).toMatch(/^pgtel_job_duration_seconds_count\{pgtel_job="partitions"\} 1$/m);
    expect(text).toContain('route="/a\\"b\\\\c\\nd"');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('is scraped by a real Prometheus', async () => {
    const peer = await startPrometheus(new URL(ctx.server.url).host);
    prometheus = peer;
    const query = async (promql: string) => {
      const response = await fetch(`${peer.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result;
    };
    const up = await eventually(
      async () => {
        const result = await query('up{job="pgtel"}');
        return result.length > 0 ? result : undefined;
      },
      `Prometheus to scrape pgtel\n${peer.output()}`,
      30_000,
    );
    expect(up[0]?.value[1]).toBe('1');
    const runs = await eventually(
      async () => {
        const result = await query('pgtel_job_runs_total');
        return result.length > 0 ? result : undefined;
      },
      'job runs in Prometheus',
      30_000,
    );
    // pgtel names its jobs `pgtel_job`, clear of Prometheus' target label `job`.
    expect(runs.map((r) => r.metric.pgtel_job)).toEqual(
      expect.arrayContaining(['partitions', 'self-metrics']),
    );
    expect(runs.every((r) => r.metric.job === 'pgtel' && r.metric.exported_job === undefined)).toBe(true);
  }, 60_000);
});
