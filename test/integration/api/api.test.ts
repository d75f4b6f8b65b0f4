import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from './apiTestApp.js';
import {
  KNOWN_SPANS,
  LATENCY_METRIC,
  ORDERS_METRIC,
  OTHER_TRACE_ID,
  seedApiData,
  TRACE_ID,
  WORKFLOW_ID,
} from './seedApiData.js';

const ctx = useTestDatabase();
const NOW = '2026-03-10T12:00:00.000Z';
const clock = new ManualClock(NOW);
let app: Hono;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await app.fetch(new Request(`http://pgtel.test${path}`));
  return { status: response.status, body: await response.json() };
}

async function post(
  path: string,
  body: unknown,
  type = 'application/json',
): Promise<{ status: number; body: Json }> {
  const response = await app.fetch(
    new Request(`http://pgtel.test${path}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  await seedApiData(ctx.db, clock);
  app = createTestApp(ctx.db, clock);
});

describe('traces', () => {
  it('lists services and the operations of one', async () => {
    const services = await get('/api/services');
    expect(services.status).toBe(200);
    expect(services.body.services).toEqual(['payments', 'shop-api', 'shop-db']);
    const operations = await get('/api/operations?service=shop-api');
    expect(operations.body.operations).toEqual(['GET /health', 'GET /orders', 'load order']);
    expect((await get('/api/operations?service=nobody')).body.operations).toEqual([]);
    expect((await get('/api/operations')).status).toBe(400);
  });

  it('searches by service, operation, status, duration, attribute and time, newest first', async () => {
    const all = await get('/api/traces');
    expect(all.status).toBe(200);
    expect(all.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([TRACE_ID, OTHER_TRACE_ID]);
    expect(all.body.traces[0]).toMatchObject({
      rootService: 'shop-api',
      rootOperation: 'GET /orders',
      spanCount: 4,
      errorCount: 1,
      durationMs: 120,
      services: ['payments', 'shop-api', 'shop-db'],
    });
    const ids = async (query: string) =>
      (await get(`/api/traces?${query}`)).body.traces.map((t: { traceId: string }) => t.traceId);
    expect(await ids('service=payments')).toEqual([TRACE_ID]);
    expect(await ids('operation=GET%20/health')).toEqual([OTHER_TRACE_ID]);
    expect(await ids('status=error')).toEqual([TRACE_ID]);
    expect(await ids('minDurationMs=100')).toEqual([TRACE_ID]);
    expect(await ids('maxDurationMs=3')).toEqual([OTHER_TRACE_ID]);
    expect(await ids('minDurationMs=200')).toEqual([]);
    expect(await ids('attr=http.status_code:402')).toEqual([TRACE_ID]);
    expect(await ids('attr=order.id:42&service=shop-db')).toEqual([TRACE_ID]);
    expect(await ids('attr=order.id:43')).toEqual([]);
    expect(await ids(`from=${encodeURIComponent('2026-03-10T11:53:00Z')}`)).toEqual([TRACE_ID]);
    expect(await ids(`to=${Date.parse('2026-03-10T11:53:00Z')}`)).toEqual([OTHER_TRACE_ID]);
  });

  it('pages with a cursor: no trace twice, none missed, the last page has no cursor', async () => {
    const first = await get('/api/traces?limit=1');
    expect(first.body.traces).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`/api/traces?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([OTHER_TRACE_ID]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('returns one trace as a tree in depth-first order, with correlated workflows', async () => {
    const { status, body } = await get(`/api/traces/${TRACE_ID.toUpperCase()}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      traceId: TRACE_ID,
      spanCount: 4,
      errorCount: 1,
      durationMs: 120,
      truncated: false,
    });
    expect(
      body.spans.map((s: { operationName: string; depth: number }) => [s.operationName, s.depth]),
    ).toEqual([
      ['GET /orders', 0],
      ['load order', 1],
      ['SELECT orders', 2],
      ['charge card', 1],
    ]);
    const charge = body.spans[3];
    expect(charge).toMatchObject({
      status: 'error',
      statusMessage: 'card declined',
      offsetMs: 65,
      durationMs: 45,
    });
    expect(charge.events[0].name).toBe('exception');
    expect(charge.startTime).toBe('2026-03-10T11:55:00.065Z');
    expect(body.workflows).toEqual([
      expect.objectContaining({
        workflowId: WORKFLOW_ID,
        workflowType: 'order_pipeline',
        status: 'completed',
        correlationId: TRACE_ID,
      }),
    ]);
    expect(KNOWN_SPANS).toHaveLength(body.spans.length);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect((await get('/api/traces/11111111111111111111111111111111')).status).toBe(404);
    const bad = await get('/api/traces/not-a-trace');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('PGTEL_INVALID');
  });
});

describe('metrics', () => {
  it('lists metrics with type, unit and series count', async () => {
    const { body } = await get('/api/metrics');
    const byName = Object.fromEntries(body.metrics.map((m: { name: string }) => [m.name, m]));
    expect(byName[LATENCY_METRIC]).toMatchObject({ type: 'histogram', seriesCount: 2 });
    expect(byName[ORDERS_METRIC]).toMatchObject({ type: 'counter', seriesCount: 2 });
  });

  it('charts a metric per step, grouped by a label and filtered by labels', async () => {
    const from = Date.parse('2026-03-10T11:50:00Z');
    // The last flush is stamped NOW; `to` is exclusive.
    const to = Date.parse(NOW) + 1;
    const grouped = await get(
      `/api/metrics/${ORDERS_METRIC}/series?from=${from}&to=${to}&step=5m&groupBy=region`,
    );
    expect(grouped.status).toBe(200);
    expect(grouped.body).toMatchObject({ type: 'counter', stepMs: 300_000, truncated: false });
    const lines = Object.fromEntries(
      grouped.body.lines.map((l: { labels: { region: string }; points: [number, number][] }) => [
        l.labels.region,
        l.points,
      ]),
    );
    // Minutes 0..9 add 1..10; odd minutes are "eu". Flushes land at the end of each minute.
    const total = (points: [number, number][]) => points.reduce((sum, [, v]) => sum + v, 0);
    expect(total(lines.eu)).toBe(2 + 4 + 6 + 8 + 10);
    expect(total(lines.us)).toBe(1 + 3 + 5 + 7 + 9);
    const filtered = await get(`/api/metrics/${ORDERS_METRIC}/series?from=${from}&to=${to}&labels=region:eu`);
    expect(filtered.body.lines).toHaveLength(1);
    expect(total(filtered.body.lines[0].points)).toBe(30);
    const histogram = await get(
      `/api/metrics/${LATENCY_METRIC}/series?from=${from}&to=${to}&step=1m&labels=route:/health`,
    );
    const means: number[] = histogram.body.lines[0].points.map(([, v]: [number, number]) => v);
    expect(means.length).toBeGreaterThan(0);
    expect(means.filter((v) => Math.abs(v - 10.5) >= 1e-9)).toEqual([]);
  });

  it('gives p50/p95/p99 lines within the sketch accuracy', async () => {
    const from = Date.parse('2026-03-10T11:50:00Z');
    const { status, body } = await get(
      `/api/metrics/${LATENCY_METRIC}/percentiles?from=${from}&to=${Date.parse(NOW)}&step=10m&labels=route:/health`,
    );
    expect(status).toBe(200);
    expect(body.series.map((s: { p: number }) => s.p)).toEqual([0.5, 0.95, 0.99]);
    const [p50, , p99] = body.series.map((s: { points: [number, number][] }) => s.points[0]![1]);
    expect(p50).toBeGreaterThan(10.5 * 0.98);
    expect(p50).toBeLessThan(10.5 * 1.02);
    expect(p99).toBeGreaterThan(19.5);
    expect(p99).toBeLessThanOrEqual(20);
  });
});

describe('workflows', () => {
  it('lists with filters and a cursor', async () => {
    const list = await get('/api/workflows?status=completed&type=order_pipeline');
    expect(list.body.workflows.map((w: { workflowId: string }) => w.workflowId)).toEqual([WORKFLOW_ID]);
    expect(list.body.nextCursor).toBeNull();
    expect((await get('/api/workflows?status=failed')).body.workflows).toEqual([]);
    expect((await get(`/api/workflows?correlationId=${TRACE_ID}`)).body.workflows).toHaveLength(1);
  });

  it('shows one workflow with its history and phase durations', async () => {
    const { status, body } = await get(`/api/workflows/${WORKFLOW_ID}`);
    expect(status).toBe(200);
    expect(body.workflow).toMatchObject({
      workflowId: WORKFLOW_ID,
      correlationId: TRACE_ID,
      status: 'completed',
    });
    expect(
      body.history.map((h: { toStatus: string; toPhase: string }) => `${h.toStatus}/${h.toPhase}`),
    ).toEqual(['pending/fetch', 'running/fetch', 'running/transform', 'completed/transform']);
    expect(body.phases.map((p: { phase: string; durationMs: number }) => [p.phase, p.durationMs])).toEqual([
      ['fetch', 75_000],
      ['transform', 60_000],
    ]);
    expect((await get('/api/workflows/6f1c2d3e-0000-4c7d-8e9f-0a1b2c3d4e5f')).status).toBe(404);
    expect((await get('/api/workflows/42')).status).toBe(400);
  });
});

describe('alerts', () => {
  it('lists firing alerts, history and rules', async () => {
    const firing = await get('/api/alerts');
    expect(firing.body.alerts).toHaveLength(1);
    expect(firing.body.alerts[0]).toMatchObject({
      rule: 'HighLatency',
      state: 'firing',
      severity: 'critical',
      acknowledgedBy: null,
    });
    expect(firing.body.alerts[0].value).toBeGreaterThan(100);
    const history = await get('/api/alerts/history?rule=HighLatency');
    expect(history.body.history[0]).toMatchObject({ rule: 'HighLatency', to: 'firing' });
    const rules = await get('/api/alerts/rules');
    expect(rules.body.rules[0].rule.name).toBe('HighLatency');
  });

  it('acknowledges an alert: stored with who and when', async () => {
    const alertId = (await get('/api/alerts')).body.alerts[0].alertId;
    const ack = await post(`/api/alerts/${alertId}/acknowledge`, { by: 'alice' });
    expect(ack.status).toBe(200);
    const { rows } = await ctx.db.query<{ acknowledged_by: string; acknowledged_at: Date }>(
      `SELECT acknowledged_by, acknowledged_at FROM ${ctx.db.table('alerts')} WHERE id = $1`,
      [alertId],
    );
    expect(rows[0]).toEqual({ acknowledged_by: 'alice', acknowledged_at: new Date(NOW) });
    expect((await get('/api/alerts')).body.alerts[0].acknowledgedBy).toBe('alice');
    expect((await post('/api/alerts/999999/acknowledge', { by: 'alice' })).status).toBe(404);
    expect((await post(`/api/alerts/${alertId}/acknowledge`, {})).status).toBe(400);
    expect((await post(`/api/alerts/${alertId}/acknowledge`, 'by=alice', 'text/plain')).status).toBe(415);
    expect((await post(`/api/alerts/${alertId}/acknowledge`, '{"by":', 'application/json')).status).toBe(400);
  });

  it('creates, lists and expires silences; refuses bad ones', async () => {
    const created = await post('/api/silences', {
      matchers: [{ name: 'alertname', value: 'HighLatency' }],
      durationMs: 3_600_000,
      createdBy: 'alice',
      comment: 'deploying',
    });
    expect(created.status).toBe(201);
    expect(created.body.silence).toMatchObject({ createdBy: 'alice', endsAt: '2026-03-10T13:00:00.000Z' });
    expect((await get('/api/silences')).body.silences).toHaveLength(1);
    clock.advance(1000);
    expect((await post(`/api/silences/${created.body.silence.id}/expire`, {})).status).toBe(200);
    expect((await get('/api/silences')).body.silences).toHaveLength(0);
    clock.set(NOW);
    for (const bad of [
      { matchers: [], durationMs: 60_000, createdBy: 'a' },
      { matchers: [{ name: 'x', value: '(', op: '=~' }], durationMs: 60_000, createdBy: 'a' },
      { matchers: [{ name: 'x', value: 'y' }], createdBy: 'a' },
      { matchers: [{ name: 'x', value: 'y' }], durationMs: -5, createdBy: 'a' },
      { matchers: [{ name: 'x', value: 'y' }], durationMs: 60_000 },
      { matchers: 'alertname=x', durationMs: 60_000, createdBy: 'a' },
    ]) {
      const response = await post('/api/silences', bad);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      expect(response.body.error.code).toBe('PGTEL_INVALID');
    }
  });
});

describe('health and telemetry environment', () => {
  it('reports probes and each check with status, duration and last change', async () => {
    const { status, body } = await get('/api/health');
    expect(status).toBe(200);
    expect(body.probes.liveness.status).toBe('pass');
    expect(body.probes.readiness).toMatchObject({ status: 'pass', message: 'All dependencies healthy' });
    expect(body.checks[0]).toMatchObject({
      name: 'database',
      status: 'pass',
      lastChange: { from: 'unknown', to: 'pass' },
    });
    expect(body.checks[0].durationMs).toEqual(expect.any(Number));
  });

  it('gives the environment lines pointing at this server, never the token', async () => {
    const open = await get('/api/telemetry-env');
    expect(open.body.lines).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://pgtel.test');
    const token = 'secret-token-0123456789';
    const guarded = createTestApp(ctx.db, clock, { apiToken: token });
    const response = await guarded.fetch(
      new Request('http://pgtel.test/api/telemetry-env', { headers: { authorization: `Bearer ${token}` } }),
    );
    const text = await response.text();
    expect(text).not.toContain(token);
    expect(JSON.parse(text).tokenRequired).toBe(true);
  });
});

describe('security', () => {
  it('needs the bearer token when the api scope is guarded', async () => {
    const token = 'secret-token-0123456789';
    const guarded = createTestApp(ctx.db, clock, { apiToken: token, authScopes: ['api'] });
    expect((await guarded.fetch(new Request('http://pgtel.test/api/services'))).status).toBe(401);
    const ok = await guarded.fetch(
      new Request('http://pgtel.test/api/services', { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(ok.status).toBe(200);
  });

  it.each([
    ['/api/traces?limit=0', 'limit'],
    ['/api/traces?limit=abc', 'limit'],
    ['/api/traces?limit=1&limit=2', 'limit'],
    ['/api/traces?servce=x', 'unknown parameter'],
    ['/api/traces?status=broken', 'status'],
    ['/api/traces?from=yesterday', 'from'],
    ['/api/traces?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z', 'before'],
    ['/api/traces?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['/api/traces?attr=novalue', 'key:value'],
    ['/api/traces?minDurationMs=-1', 'minDurationMs'],
    ['/api/traces?minDurationMs=5&maxDurationMs=1', 'minDurationMs'],
    ['/api/metrics/x/series?step=1ms', 'step'],
    ['/api/metrics/x/series?groupBy=a%20b', 'groupBy'],
    ['/api/metrics/x/percentiles?p=1.5', 'p'],
    ['/api/workflows?stuck=maybe', 'stuck'],
    ['/api/workflows?correlationId=xyz', 'Correlation id'],
    ['/api/alerts?state=burning', 'state'],
  ])('refuses %s with 400 naming the problem', async (path, hint) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('PGTEL_INVALID');
    expect(body.error.message).toContain(hint);
  });

  const INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE spans; --",
    '1); DELETE FROM metrics; --',
    '" OR ""="',
    '$1',
    '\\',
    "x' UNION SELECT span_id FROM spans --",
  ];

  it('treats injection strings in every parameter as data: never 500, nothing changed', async () => {
    const countsBefore = await tableCounts();
    for (const evil of INJECTIONS) {
      const e = encodeURIComponent(evil);
      const paths = [
        `/api/services?from=${e}`,
        `/api/operations?service=${e}`,
        `/api/traces?service=${e}&operation=${e}`,
        `/api/traces?status=${e}`,
        `/api/traces?minDurationMs=${e}`,
        `/api/traces?attr=${encodeURIComponent(`note:${evil}`)}`,
        `/api/traces?attr=${encodeURIComponent(`${evil}:x`)}`,
        `/api/traces?cursor=${e}`,
        `/api/traces?to=${e}`,
        `/api/traces/${e}`,
        `/api/metrics?to=${e}`,
        `/api/metrics/${e}/series`,
        `/api/metrics/${LATENCY_METRIC}/series?labels=${encodeURIComponent(`route:${evil}`)}&groupBy=${e}`,
        `/api/metrics/${LATENCY_METRIC}/series?step=${e}`,
        `/api/metrics/${e}/percentiles?p=${e}`,
        `/api/metrics/${e}/percentiles?labels=${encodeURIComponent(`route:${evil}`)}`,
        `/api/workflows?type=${e}`,
        `/api/workflows?status=${e}&limit=${e}`,
        `/api/workflows?cursor=${e}`,
        `/api/workflows/${e}`,
        `/api/alerts?rule=${e}`,
        `/api/alerts?state=${e}`,
        `/api/alerts/history?rule=${e}&fingerprint=${e}`,
        `/api/alerts/history?since=${e}&limit=${e}`,
        `/api/workflows?correlationId=${e}`,
        `/api/metrics/${LATENCY_METRIC}/series?maxLines=${e}`,
        `/api/metrics/${LATENCY_METRIC}/percentiles?step=${e}`,
        `/api/silences?includeExpired=${e}`,
        `/api/telemetry-env?${e}=1`,
        `/api/metrics/${e}/exemplars?labels=${e}&limit=${e}`,
        `/api/traces/${e}/workflows`,
        `/api/traces/${e}/alerts`,
        `/api/workflows/${e}/traces`,
        `/api/workflows/${e}/alerts`,
        `/api/alerts/${e}/links`,
        `/api/alerts/1/error-spans?beforeMs=${e}`,
      ];
      for (const path of paths) {
        const { status, body } = await get(path);
        expect([200, 400, 404], `${path} -> ${status} ${JSON.stringify(body)}`).toContain(status);
        if (status === 200)
          expect(JSON.stringify(body)).not.toContain('"spanId":"a000000000000002","parentSpanId"');
      }
      for (const [path, body] of [
        [`/api/alerts/${e}/acknowledge`, { by: evil }],
        ['/api/alerts/1/acknowledge', { by: evil }],
        [
          '/api/silences',
          { matchers: [{ name: evil, value: evil }], durationMs: 60_000, createdBy: evil, comment: evil },
        ],
        [`/api/silences/${e}/expire`, {}],
      ] as const) {
        const response = await post(path, body);
        expect([200, 201, 400, 404], `${path} -> ${response.status}`).toContain(response.status);
      }
    }
    // The injection string stored as an attribute is found as the literal value it is.
    const literal = await get(`/api/traces?attr=${encodeURIComponent("note:it's; DROP TABLE spans; --")}`);
    expect(literal.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([
      TRACE_ID,
      OTHER_TRACE_ID,
    ]);
    const after = await tableCounts();
    expect(after.spans).toBe(countsBefore.spans);
    expect(after.metrics).toBe(countsBefore.metrics);
    expect(after.workflow_state).toBe(countsBefore.workflow_state);
  });
});

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['spans', 'metrics', 'workflow_state']) {
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM ${ctx.db.table(table)}`,
    );
    counts[table] = rows[0]!.n;
  }
  return counts;
}

afterAll(() => {
  clock.set(NOW);
});
