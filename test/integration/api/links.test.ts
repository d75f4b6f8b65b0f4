import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { toJsonText } from '../../../src/db/jsonText.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from './apiTestApp.js';
import { LATENCY_METRIC, OTHER_TRACE_ID, seedApiData, TRACE_ID, WORKFLOW_ID } from './seedApiData.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const clock = new ManualClock(NOW);
const UNKNOWN_WORKFLOW = '6f1c2d3e-0000-4c7d-8e9f-0a1b2c3d4e5f';
let app: Hono;
let alertId: number;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await app.fetch(new Request(`http://pgtel.test${path}`));
  return { status: response.status, body: await response.json() };
}

/** Beside the API seed: exemplars of the known trace's spans and an alert episode linked to the trace. */
async function seedLinks(): Promise<void> {
  const db = ctx.db;
  const observedAt = (ms: number) => new Date(NOW - 5 * 60_000 + ms).toISOString();
  await db.query(
    `INSERT INTO ${db.table('metrics')} (metric_name, metric_value, metric_type, recorded_at, labels, exemplars)
     VALUES ($1, 0, 'histogram', $2, '{"route":"/orders"}', $3::jsonb)`,
    [
      LATENCY_METRIC,
      new Date(NOW - 4 * 60_000),
      toJsonText([
        { trace_id: TRACE_ID, span_id: 'a000000000000001', value: 120, observed_at: observedAt(120) },
        { trace_id: TRACE_ID, span_id: 'a000000000000004', value: 45, observed_at: observedAt(110) },
      ]),
    ],
  );
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ${db.table('alerts')} (alert_type, severity, title, message, triggered_at, fingerprint, rule_name)
     VALUES ('rule', 'critical', 'slow orders', '', $1, 'fp-slow', 'SlowOrders') RETURNING id`,
    [new Date(NOW - 4 * 60_000)],
  );
  alertId = Number(rows[0]!.id);
  await db.query(
    `INSERT INTO ${db.table('alert_links')} (alert_id, link_kind, link_id, value, first_seen_at, last_seen_at)
     VALUES ($1, 'trace', $2, 120, $3, $3)`,
    [alertId, TRACE_ID, new Date(NOW - 4 * 60_000)],
  );
}

beforeAll(async () => {
  await seedApiData(ctx.db, clock);
  await seedLinks();
  app = createTestApp(ctx.db, clock);
});

describe('links between metrics, traces, workflows and alerts', () => {
  it('lists the exemplars of a metric with their spans, as ISO times', async () => {
    const { status, body } = await get(`/api/metrics/${LATENCY_METRIC}/exemplars?labels=route:/orders`);
    expect(status).toBe(200);
    expect(body.exemplars).toEqual([
      {
        traceId: TRACE_ID,
        spanId: 'a000000000000001',
        value: 120,
        observedAt: '2026-03-10T11:55:00.120Z',
        labels: { route: '/orders' },
        serviceName: 'shop-api',
        operationName: 'GET /orders',
        durationMs: 120,
        status: 'ok',
      },
      expect.objectContaining({ spanId: 'a000000000000004', operationName: 'charge card', status: 'error' }),
    ]);
    expect((await get(`/api/metrics/${LATENCY_METRIC}/exemplars?limit=1`)).body.exemplars).toHaveLength(1);
    const before = `/api/metrics/${LATENCY_METRIC}/exemplars?from=2026-03-10T10:00:00Z&to=2026-03-10T11:00:00Z`;
    expect((await get(before)).body.exemplars).toEqual([]);
    expect((await get('/api/metrics/no_such_metric/exemplars')).body.exemplars).toEqual([]);
  });

  it('lists the workflows and alerts of a trace', async () => {
    const workflows = await get(`/api/traces/${TRACE_ID.toUpperCase()}/workflows`);
    expect(workflows.status).toBe(200);
    expect(workflows.body.workflows).toEqual([
      {
        workflowId: WORKFLOW_ID,
        workflowType: 'order_pipeline',
        correlationId: TRACE_ID,
        status: 'completed',
        currentPhase: 'transform',
        firstSeenAt: '2026-03-10T11:55:00.000Z',
        lastSeenAt: '2026-03-10T11:55:00.000Z',
      },
    ]);
    const alerts = await get(`/api/traces/${TRACE_ID}/alerts`);
    expect(alerts.body.alerts).toEqual([
      {
        alertId,
        ruleName: 'SlowOrders',
        fingerprint: 'fp-slow',
        severity: 'critical',
        title: 'slow orders',
        triggeredAt: '2026-03-10T11:56:00.000Z',
        resolvedAt: null,
        via: 'trace',
      },
    ]);
    // A trace with no links (or no stored span) has none: not an error.
    expect((await get(`/api/traces/${OTHER_TRACE_ID}/workflows`)).body).toEqual({ workflows: [] });
    expect((await get('/api/traces/11111111111111111111111111111111/alerts')).body).toEqual({ alerts: [] });
  });

  it('lists the traces and alerts of a workflow; 404 for an unknown one', async () => {
    const traces = await get(`/api/workflows/${WORKFLOW_ID}/traces`);
    expect(traces.status).toBe(200);
    expect(traces.body.traces).toEqual([
      expect.objectContaining({
        traceId: TRACE_ID,
        rootOperation: 'GET /orders',
        serviceName: 'shop-api',
        durationMs: 120,
        spanCount: 4,
        errorCount: 1,
      }),
    ]);
    const alerts = await get(`/api/workflows/${WORKFLOW_ID}/alerts`);
    expect(alerts.body.alerts.map((a: Json) => [a.alertId, a.via])).toEqual([[alertId, 'trace']]);
    expect((await get(`/api/workflows/${UNKNOWN_WORKFLOW}/traces`)).status).toBe(404);
    const unknown = await get(`/api/workflows/${UNKNOWN_WORKFLOW}/alerts`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PGTEL_NOT_FOUND');
  });

  it("gives an alert's links and the error spans of its firing window; 404 for an unknown alert", async () => {
    const links = await get(`/api/alerts/${alertId}/links`);
    expect(links.status).toBe(200);
    expect(links.body).toEqual({
      alert: expect.objectContaining({
        alertId,
        ruleName: 'SlowOrders',
        triggeredAt: '2026-03-10T11:56:00.000Z',
      }),
      traces: [
        {
          traceId: TRACE_ID,
          value: 120,
          firstSeenAt: '2026-03-10T11:56:00.000Z',
          lastSeenAt: '2026-03-10T11:56:00.000Z',
        },
      ],
      workflows: [
        {
          workflowId: WORKFLOW_ID,
          workflowType: 'order_pipeline',
          correlationId: TRACE_ID,
          status: 'completed',
          currentPhase: 'transform',
        },
      ],
    });
    const spans = await get(`/api/alerts/${alertId}/error-spans`);
    expect(spans.body).toEqual({
      from: '2026-03-10T11:51:00.000Z',
      to: '2026-03-10T12:00:00.000Z',
      operations: [
        {
          serviceName: 'payments',
          operationName: 'charge card',
          errorCount: 1,
          maxDurationMs: 45,
          traceIds: [TRACE_ID],
          firstAt: '2026-03-10T11:55:00.065Z',
          lastAt: '2026-03-10T11:55:00.065Z',
        },
      ],
    });
    // The failing span started more than 30 s before the trigger time.
    expect((await get(`/api/alerts/${alertId}/error-spans?beforeMs=30000`)).body.operations).toEqual([]);
    expect((await get('/api/alerts/999999/links')).status).toBe(404);
    expect((await get('/api/alerts/999999/error-spans')).status).toBe(404);
  });

  it.each([
    '/api/metrics/x/exemplars?limit=101',
    '/api/metrics/x/exemplars?limit=0',
    '/api/metrics/x/exemplars?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z',
    '/api/metrics/x/exemplars?labels=noColon',
    '/api/metrics/x/exemplars?label=a:b',
    '/api/traces/not-a-trace/workflows',
    '/api/traces/00000000000000000000000000000000/alerts',
    '/api/workflows/42/traces',
    '/api/workflows/not-a-uuid/alerts',
    '/api/alerts/0/links',
    '/api/alerts/abc/links',
    '/api/alerts/1/error-spans?beforeMs=-1',
    '/api/alerts/1/error-spans?beforeMs=99999999999',
    '/api/alerts/1/links?extra=1',
  ])('refuses %s with 400 naming the problem', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('PGTEL_INVALID');
    expect(body.error.message.length).toBeGreaterThan(10);
  });
});
