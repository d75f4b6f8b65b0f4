import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { buildSlowRequest, FAILING_OPERATION, LATENCY, RULE, type SlowRequest } from './slowRequest.js';

const PUBLIC_URL = 'https://pgtel.example.com';
let server: PgtelServer;
let situation: SlowRequest;
let alertId: number;

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}/api${path}`);
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  const clock = new ManualClock(Date.now());
  server = await startTestServer({ clock });
  situation = await buildSlowRequest(server.db, clock, PUBLIC_URL);
  const { alerts } = await get<{ alerts: { ruleName: string; state: string; alertId: number | null }[] }>(
    `/alerts?rule=${RULE}`,
  );
  expect(alerts.map((a) => a.state)).toEqual(['firing']);
  alertId = alerts[0]!.alertId!;
});

afterAll(async () => {
  await situation?.receiver.close();
  if (server) await stopTestServer(server);
});

describe('a slow request inside a workflow that fires an alert, walked from every end in the API', () => {
  it('from the metric: the slowest observation is the slow request, with its span', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const { exemplars } = await get<{
      exemplars: { traceId: string; spanId: string; value: number; operationName: string | null }[];
    }>(`/metrics/${LATENCY}/exemplars?from=${from}&to=${to}&limit=3`);
    expect(exemplars[0]).toMatchObject({
      traceId: situation.traceId,
      spanId: situation.spanId,
      value: situation.slowMs,
      operationName: 'POST /checkout',
    });
    expect(exemplars.map((e) => e.value)).toEqual([...exemplars.map((e) => e.value)].sort((a, b) => b - a));
  });

  it('from the trace: its workflow and the alert it took part in', async () => {
    const { workflows } = await get<{ workflows: { workflowId: string }[] }>(
      `/traces/${situation.traceId}/workflows`,
    );
    expect(workflows.map((w) => w.workflowId)).toEqual([situation.workflowId]);
    const { alerts } = await get<{ alerts: { alertId: number; ruleName: string }[] }>(
      `/traces/${situation.traceId}/alerts`,
    );
    expect(alerts.map((a) => [a.alertId, a.ruleName])).toEqual([[alertId, RULE]]);
    const fast = await get<{ alerts: unknown[] }>(`/traces/${situation.fastTraceId}/alerts`);
    expect(fast.alerts).toEqual([]);
  });

  it('from the workflow: its traces and, through them, the alert', async () => {
    const { traces } = await get<{
      traces: { traceId: string; rootOperation: string | null; errorCount: number }[];
    }>(`/workflows/${situation.workflowId}/traces`);
    expect(traces).toEqual([
      expect.objectContaining({ traceId: situation.traceId, rootOperation: 'POST /checkout', errorCount: 1 }),
    ]);
    const { alerts } = await get<{ alerts: { alertId: number; via: string }[] }>(
      `/workflows/${situation.workflowId}/alerts`,
    );
    expect(alerts).toEqual([expect.objectContaining({ alertId, via: 'trace' })]);
  });

  it('from the alert: the traces and workflows of its firing window, and its error spans by operation', async () => {
    const links = await get<{
      traces: { traceId: string; value: number }[];
      workflows: { workflowId: string }[];
    }>(`/alerts/${alertId}/links`);
    expect(links.traces.map((t) => [t.traceId, t.value])).toEqual([[situation.traceId, situation.slowMs]]);
    expect(links.workflows.map((w) => w.workflowId)).toEqual([situation.workflowId]);
    const { operations } = await get<{
      operations: { operationName: string; errorCount: number; traceIds: string[] }[];
    }>(`/alerts/${alertId}/error-spans?beforeMs=600000`);
    expect(operations).toEqual([
      expect.objectContaining({
        operationName: FAILING_OPERATION,
        errorCount: 1,
        traceIds: [situation.traceId],
      }),
    ]);
  });

  it('from the notification: the webhook payload carries the dashboard links and ids', async () => {
    const [request] = situation.receiver.requests;
    const body = request!.body as {
      alerts: {
        alertId: number;
        links: {
          alert: string;
          traces: { traceId: string; url: string }[];
          workflows: { workflowId: string; correlationId: string; url: string }[];
        };
      }[];
    };
    const [alert] = body.alerts;
    expect(alert!.alertId).toBe(alertId);
    expect(alert!.links.alert).toBe(`${PUBLIC_URL}/#/alerts/${alertId}`);
    expect(alert!.links.traces).toEqual([
      { traceId: situation.traceId, url: `${PUBLIC_URL}/#/traces/${situation.traceId}` },
    ]);
    expect(alert!.links.workflows).toEqual([
      expect.objectContaining({
        workflowId: situation.workflowId,
        correlationId: situation.traceId,
        url: `${PUBLIC_URL}/#/workflows/${situation.workflowId}`,
      }),
    ]);
  });

  it('in SQL: the views answer the same questions', async () => {
    const { db } = server;
    const exemplar = await db.query<{ trace_id: string }>(
      `SELECT trace_id FROM ${db.table('metric_exemplars')} WHERE metric_name = $1 ORDER BY value DESC LIMIT 1`,
      [LATENCY],
    );
    expect(exemplar.rows).toEqual([{ trace_id: situation.traceId }]);
    const workflowTraces = await db.query<{ trace_id: string }>(
      `SELECT trace_id FROM ${db.table('workflow_traces')} WHERE workflow_id = $1`,
      [situation.workflowId],
    );
    expect(workflowTraces.rows).toEqual([{ trace_id: situation.traceId }]);
    const links = await db.query<{ link_kind: string; link_id: string }>(
      `SELECT link_kind, link_id FROM ${db.table('alert_links')} WHERE alert_id = $1`,
      [alertId],
    );
    expect(links.rows).toEqual([{ link_kind: 'trace', link_id: situation.traceId }]);
    const failed = await db.query<{ operation_name: string; error_count: number; trace_ids: string[] }>(
      `SELECT operation_name, error_count, trace_ids FROM ${db.table('alert_error_operations')} WHERE alert_id = $1`,
      [alertId],
    );
    expect(failed.rows).toEqual([
      { operation_name: FAILING_OPERATION, error_count: 1, trace_ids: [situation.traceId] },
    ]);
  });
});
