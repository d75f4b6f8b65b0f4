import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from './apiTestApp.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const clock = new ManualClock(NOW);
const FROM = NOW - 3_600_000;
const LATENCY = 'http_server_duration_ms';
const REQUESTS = 'requests_total';
const SLOW_TRACE = 'b'.repeat(32);
const FAST_TRACE = 'a'.repeat(32);
let app: Hono;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await app.fetch(new Request(`http://pgtel.test/api${path}`));
  return { status: response.status, body: await response.json() };
}

const window = `from=${FROM}&to=${NOW}`;

/** Two services write the same metric names with the same labels, from different hosts. */
beforeAll(async () => {
  const services = [
    { service: 'checkout', resource: { 'host.name': 'h1', 'deployment.environment': 'prod' }, ms: 10, n: 5 },
    {
      service: 'search',
      resource: { 'host.name': 'h2', 'deployment.environment': 'staging' },
      ms: 500,
      n: 7,
    },
  ];
  for (const s of services) {
    for (let i = 0; i < 6; i++) {
      const at = new Date(FROM + (i + 1) * 5 * 60_000);
      await insertMetricRow(ctx.db, {
        name: LATENCY,
        type: 'histogram',
        service: s.service,
        resource: s.resource,
        labels: { route: '/orders' },
        at,
        observations: [s.ms, s.ms, s.ms * 1.001],
        exemplars:
          i === 0
            ? [
                {
                  trace_id: s.ms > 100 ? SLOW_TRACE : FAST_TRACE,
                  span_id: '1'.repeat(16),
                  value: s.ms,
                  observed_at: at.toISOString(),
                },
              ]
            : undefined,
      });
      await insertMetricRow(ctx.db, {
        name: REQUESTS,
        type: 'counter',
        service: s.service,
        resource: s.resource,
        labels: { route: '/orders' },
        at,
        value: s.n,
      });
    }
  }
  app = createTestApp(ctx.db, clock);
});

function total(line: { points: [number, number | null][] }): number {
  return line.points.reduce((sum, [, v]) => sum + (v ?? 0), 0);
}

describe('metrics by service and resource', () => {
  it('lists per metric the services that wrote it, and filters the list by service', async () => {
    const all = await get(`/metrics?${window}`);
    expect(all.status).toBe(200);
    const latency = all.body.metrics.find((m: Json) => m.name === LATENCY);
    expect(latency.services).toEqual(['checkout', 'search']);
    expect(latency.seriesCount).toBe(2);
    const checkout = await get(`/metrics?${window}&service=checkout`);
    expect(checkout.body.metrics.map((m: Json) => [m.name, m.services, m.seriesCount])).toEqual([
      [LATENCY, ['checkout'], 1],
      [REQUESTS, ['checkout'], 1],
    ]);
    expect((await get(`/metrics?${window}&service=nobody`)).body.metrics).toEqual([]);
  });

  it('groups a counter by service.name without merging the two services', async () => {
    const { status, body } = await get(`/metrics/${REQUESTS}/series?${window}&step=1h&groupBy=service.name`);
    expect(status).toBe(200);
    expect(body.groupBy).toEqual(['service.name']);
    expect(body.lines.map((l: Json) => [l.labels, total(l)])).toEqual([
      [{ 'service.name': 'checkout' }, 30],
      [{ 'service.name': 'search' }, 42],
    ]);
    const mixed = await get(`/metrics/${REQUESTS}/series?${window}&step=1h&groupBy=service.name,route`);
    expect(mixed.body.lines.map((l: Json) => l.labels)).toEqual([
      { route: '/orders', 'service.name': 'checkout' },
      { route: '/orders', 'service.name': 'search' },
    ]);
  });

  it('filters series by one service or several', async () => {
    const one = await get(`/metrics/${REQUESTS}/series?${window}&step=1h&service=search`);
    expect(one.body.service).toEqual(['search']);
    expect(one.body.lines.map(total)).toEqual([42]);
    const both = await get(`/metrics/${REQUESTS}/series?${window}&step=1h&service=search&service=checkout`);
    expect(both.body.lines.map(total)).toEqual([72]);
    const latency = await get(`/metrics/${LATENCY}/series?${window}&step=1h&service=checkout`);
    expect(latency.body.lines[0].points[0][1]).toBeCloseTo(10.0033, 3);
  });

  it('filters and groups by resource attributes through metric_series', async () => {
    const staging = await get(
      `/metrics/${REQUESTS}/series?${window}&step=1h&resource=deployment.environment:staging`,
    );
    expect(staging.body.resource).toEqual({ 'deployment.environment': 'staging' });
    expect(staging.body.lines.map(total)).toEqual([42]);
    const byService = await get(
      `/metrics/${REQUESTS}/series?${window}&step=1h&resource=service.name:checkout`,
    );
    expect(byService.body.lines.map(total)).toEqual([30]);
    const none = await get(
      `/metrics/${REQUESTS}/series?${window}&step=1h&resource=deployment.environment:staging&service=checkout`,
    );
    expect(none.body.lines).toEqual([]);
    const byHost = await get(`/metrics/${REQUESTS}/series?${window}&step=1h&groupBy=resource.host.name`);
    expect(byHost.body.lines.map((l: Json) => [l.labels, total(l)])).toEqual([
      [{ 'resource.host.name': 'h1' }, 30],
      [{ 'resource.host.name': 'h2' }, 42],
    ]);
  });

  it('computes percentiles per service, never merged with the other', async () => {
    const p = async (query: string) => {
      const { status, body } = await get(`/metrics/${LATENCY}/percentiles?${window}&step=1h&p=0.5${query}`);
      expect(status).toBe(200);
      return body.series[0].points[0][1] as number | null;
    };
    const slow = await p('&service=search');
    const fast = await p('&service=checkout');
    expect(Math.abs(slow! - 500) / 500).toBeLessThan(0.01);
    expect(Math.abs(fast! - 10) / 10).toBeLessThan(0.01);
    expect(await p('&resource=host.name:h2')).toBeCloseTo(slow!, 6);
    expect(await p('&service=nobody')).toBeNull();
    // Both services merged: the median of 18 values at 10 ms and 18 at 500 ms lies between them.
    const both = await p('&service=search&service=checkout');
    expect(both).toBeGreaterThan(10);
    expect(both).toBeLessThanOrEqual(505);
  });

  it('splits percentiles by service with groupBy=service.name', async () => {
    const { status, body } = await get(
      `/metrics/${LATENCY}/percentiles?${window}&step=1h&p=0.5,0.99&groupBy=service.name`,
    );
    expect(status).toBe(200);
    expect(body.truncated).toBe(false);
    expect(body.series.map((s: Json) => [s.labels['service.name'], s.p])).toEqual([
      ['checkout', 0.5],
      ['checkout', 0.99],
      ['search', 0.5],
      ['search', 0.99],
    ]);
    const median = (service: string) =>
      body.series.find((s: Json) => s.p === 0.5 && s.labels['service.name'] === service).points[0][1];
    expect(Math.abs(median('checkout') - 10) / 10).toBeLessThan(0.01);
    expect(Math.abs(median('search') - 500) / 500).toBeLessThan(0.01);
    const one = await get(
      `/metrics/${LATENCY}/percentiles?${window}&step=1h&groupBy=service.name&service=search`,
    );
    expect(one.body.series.map((s: Json) => s.labels)).toEqual([
      { 'service.name': 'search' },
      { 'service.name': 'search' },
      { 'service.name': 'search' },
    ]);
    const ungrouped = await get(`/metrics/${LATENCY}/percentiles?${window}&step=1h&p=0.5`);
    expect(ungrouped.body.series.map((s: Json) => s.labels)).toEqual([{}]);
    const bad = await get(`/metrics/${LATENCY}/percentiles?groupBy=route`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^groupBy/);
  });

  it('lists the exemplars of one service', async () => {
    const search = await get(`/metrics/${LATENCY}/exemplars?${window}&service=search`);
    expect(search.status).toBe(200);
    expect(search.body.exemplars.map((e: Json) => e.traceId)).toEqual([SLOW_TRACE]);
    const all = await get(`/metrics/${LATENCY}/exemplars?${window}`);
    expect(all.body.exemplars.map((e: Json) => e.traceId)).toEqual([SLOW_TRACE, FAST_TRACE]);
    const prod = await get(`/metrics/${LATENCY}/exemplars?${window}&resource=deployment.environment:prod`);
    expect(prod.body.exemplars.map((e: Json) => e.traceId)).toEqual([FAST_TRACE]);
  });

  it('answers an unknown service with no data and a malformed resource filter with a 400 naming it', async () => {
    const unknown = await get(`/metrics/${REQUESTS}/series?${window}&service=nobody`);
    expect(unknown.status).toBe(200);
    expect(unknown.body.lines).toEqual([]);
    for (const path of [
      `/metrics/${REQUESTS}/series?resource=no-colon`,
      `/metrics/${LATENCY}/percentiles?resource=:value`,
      `/metrics/${LATENCY}/exemplars?resource=${encodeURIComponent('bad key:v')}`,
    ]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error.message, path).toMatch(/^resource/);
    }
    const badGroup = await get(
      `/metrics/${REQUESTS}/series?groupBy=service.name,${encodeURIComponent('a b')}`,
    );
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.error.message).toMatch(/groupBy/);
  });
});
