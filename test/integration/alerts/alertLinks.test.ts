import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationAlert, NotificationLinks } from '../../../src/alerts/notifiers/Notifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { deleteAlertRule, listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { type HttpReceiver, startHttpReceiver } from './httpReceiver.js';

const MIN = 60_000;
const PUBLIC = 'https://pgtel.example.com';
const ctx = useTestDatabase();
const clock = new ManualClock('2026-04-02T08:00:00Z');
let hook: HttpReceiver;
const notifiers = () => [new WebhookNotifier({ url: hook.url })];
const trace = (n: number) => n.toString(16).padStart(32, 'a');
const T = trace(1);

beforeAll(async () => {
  hook = await startHttpReceiver();
});
afterAll(() => hook.close());
beforeEach(async () => {
  for (const r of await listAlertRules(ctx.db)) await deleteAlertRule(ctx.db, r.rule.name);
  // Deleting a firing rule queues its resolve: each test starts with an empty outbox.
  await ctx.db.query(`DELETE FROM ${ctx.db.table('alert_outbox')}`);
  hook.requests.length = 0;
  clock.advance(24 * 60 * MIN);
});

type WebhookAlert = NotificationAlert & { generatorURL: string; links: NotificationLinks };

/** Moves the clock, evaluates once with the public URL and delivers; returns the alerts received. */
async function step(advanceMs = MIN) {
  clock.advance(advanceMs);
  const before = hook.requests.length;
  const summary = await evaluateDueRules(ctx.db, { clock, notifiers: notifiers(), publicUrl: PUBLIC });
  await dispatchOutbox(ctx.db, { clock, notifiers: notifiers() });
  const alerts = hook.requests.slice(before).flatMap((r) => (r.body as { alerts: WebhookAlert[] }).alerts);
  return { summary, alerts };
}

/** A metric row as the collector writes it, with exemplars in the stored JSON format. */
async function row(
  metric: string,
  value: number,
  labels: Record<string, string>,
  exemplars: unknown[] | null,
  agoMs = 1000,
) {
  await ctx.db.query(
    `INSERT INTO ${ctx.db.table('metrics')} (metric_name, metric_value, metric_type, recorded_at, labels, exemplars)
     VALUES ($1, $2, 'gauge', $3, $4::jsonb, $5::jsonb)`,
    [metric, value, new Date(clock.now() - agoMs), JSON.stringify(labels), JSON.stringify(exemplars)],
  );
}

const exemplar = (traceId: string, value: number) => ({
  trace_id: traceId,
  span_id: traceId.slice(0, 16),
  value,
  observed_at: new Date(clock.now() - 2000).toISOString(),
});

async function linksOf(rule: string) {
  const result = await ctx.db.query<{
    alert_id: number;
    link_kind: string;
    link_id: string;
    value: number | null;
    first_seen_at: Date;
    last_seen_at: Date;
  }>(
    `SELECT l.* FROM ${ctx.db.table('alert_links')} l JOIN ${ctx.db.table('alerts')} a ON a.id = l.alert_id
      WHERE a.rule_name = $1 ORDER BY l.link_kind, l.value DESC NULLS LAST, l.link_id`,
    [rule],
  );
  return result.rows;
}

async function alertIdOf(rule: string, fingerprintLabel?: [string, string]) {
  const result = await ctx.db.query<{ id: number }>(
    `SELECT id FROM ${ctx.db.table('alerts')} WHERE rule_name = $1 AND ($2::text IS NULL OR labels->>$2 = $3)
      ORDER BY id DESC LIMIT 1`,
    [rule, fingerprintLabel?.[0] ?? null, fingerprintLabel?.[1] ?? null],
  );
  return Number(result.rows[0]!.id);
}

function latencyRule(extra: Partial<AlertRuleDefinition> = {}): AlertRuleDefinition {
  return {
    name: 'latency',
    source: {
      kind: 'aggregate',
      metric: 'latency',
      aggregate: 'max',
      windowMs: 5 * MIN,
      labels: { env: 'prod' },
      groupBy: ['host'],
    },
    levels: [{ severity: 'critical', threshold: 500 }],
    intervalMs: MIN,
    ...extra,
  };
}

describe('links of metric rules: the exemplars behind the value', () => {
  it('records the traces of the firing series, notifies them with the alert page, keeps them on resolve', async () => {
    const U = trace(2);
    const other = trace(3);
    const old = trace(4);
    await ctx.db.query(
      `INSERT INTO ${ctx.db.table('spans')} (trace_id, span_id, operation_name, service_name, start_time, end_time, duration_ms, status)
       VALUES ($1, $2, 'GET /orders', 'api', $3, $3, 900, 'ok')`,
      [T, T.slice(0, 16), new Date(clock.now() - 2000)],
    );
    await saveAlertRules(ctx.db, [latencyRule()], clock);
    // A 300 ms request is not behind "max latency above 500": only exemplars past the threshold link.
    await row('latency', 900, { env: 'prod', host: 'a' }, [
      exemplar(T, 900),
      exemplar(U, 600),
      exemplar(trace(7), 300),
    ]);
    // Ignored: another host, another env, outside the window, malformed exemplars.
    await row('latency', 100, { env: 'prod', host: 'b' }, [exemplar(other, 100)]);
    await row('latency', 100, { env: 'test', host: 'a' }, [exemplar(other, 5000)]);
    await row('latency', 100, { env: 'prod', host: 'a' }, [exemplar(old, 8000)], 10 * MIN);
    await row('latency', 100, { env: 'prod', host: 'a' }, [
      { trace_id: 'NOT-A-TRACE', value: 9999 },
      { trace_id: trace(5).toUpperCase(), value: 9999 },
      'garbage',
    ]);
    await row('latency', 100, { env: 'prod', host: 'a' }, { not: 'an array' } as unknown as unknown[]);
    const firedAt = clock.now() + MIN;
    let r = await step();
    expect(r.summary.errors).toEqual([]);
    const alertId = await alertIdOf('latency');
    expect(await linksOf('latency')).toEqual([
      {
        alert_id: alertId,
        link_kind: 'trace',
        link_id: T,
        value: 900,
        first_seen_at: new Date(firedAt),
        last_seen_at: new Date(firedAt),
      },
      {
        alert_id: alertId,
        link_kind: 'trace',
        link_id: U,
        value: 600,
        first_seen_at: new Date(firedAt),
        last_seen_at: new Date(firedAt),
      },
    ]);
    const span = await ctx.db.query<{ operation_name: string }>(
      `SELECT s.operation_name FROM ${ctx.db.table('alert_links')} l
         JOIN ${ctx.db.table('spans')} s ON s.trace_id = l.link_id
        WHERE l.alert_id = $1 AND l.link_kind = 'trace'`,
      [alertId],
    );
    expect(span.rows.map((s) => s.operation_name)).toEqual(['GET /orders']);
    const expectedLinks = {
      alert: `${PUBLIC}/#/alerts/${alertId}`,
      traces: [
        { traceId: T, url: `${PUBLIC}/#/traces/${T}` },
        { traceId: U, url: `${PUBLIC}/#/traces/${U}` },
      ],
      workflows: [],
      metric: `${PUBLIC}/#/metrics?name=latency`,
    };
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({
      status: 'firing',
      alertId,
      generatorURL: `${PUBLIC}/#/alerts/${alertId}`,
      links: expectedLinks,
    });

    // Still firing: a higher exemplar of T moves last_seen_at and the value, first_seen_at stays.
    await row('latency', 950, { env: 'prod', host: 'a' }, [exemplar(T, 950)], 0);
    r = await step();
    expect(r.alerts).toEqual([]);
    const [t] = await linksOf('latency');
    expect(t).toMatchObject({ link_id: T, value: 950, first_seen_at: new Date(firedAt) });
    expect(t!.last_seen_at).toEqual(new Date(clock.now()));

    // Resolved: nothing new is linked, the notification still carries the episode's links.
    const stillSeen = clock.now();
    r = await step(10 * MIN);
    await row('latency', 10, { env: 'prod', host: 'a' }, [exemplar(trace(6), 10)]);
    r = await step();
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ status: 'resolved', alertId, links: expectedLinks });
    expect((await linksOf('latency')).map((l) => [l.link_id, l.last_seen_at.getTime()])).toEqual([
      [T, stillSeen],
      [U, stillSeen], // its exemplar was still in the window
    ]);
  });

  it('links at most 5 traces per instance and evaluation, the highest values, also for percentiles', async () => {
    await saveAlertRules(
      ctx.db,
      [
        latencyRule({
          name: 'p90',
          source: {
            kind: 'percentile',
            metric: 'p90_ms',
            p: 0.9,
            windowMs: 5 * MIN,
            labels: { env: 'prod' },
          },
          levels: [{ severity: 'critical', threshold: 50 }],
        }),
      ],
      clock,
    );
    for (let i = 1; i <= 8; i++)
      await row('p90_ms', i * 100, { env: 'prod' }, [exemplar(trace(10 + i), i * 100)]);
    const r = await step();
    expect(r.summary.errors).toEqual([]);
    expect((await linksOf('p90')).map((l) => [l.link_id, l.value])).toEqual(
      [8, 7, 6, 5, 4].map((i) => [trace(10 + i), i * 100]),
    );
    expect(r.alerts[0]!.links.traces.map((t) => t.traceId)).toEqual(
      [8, 7, 6, 5, 4].map((i) => trace(10 + i)),
    );
  });

  it('a rule that does not fire links nothing', async () => {
    await saveAlertRules(
      ctx.db,
      [latencyRule({ name: 'quiet', levels: [{ severity: 'warning', threshold: 1e9 }] })],
      clock,
    );
    await row('latency', 900, { env: 'prod', host: 'a' }, [exemplar(T, 900)], 0);
    await step();
    expect(await linksOf('quiet')).toEqual([]);
  });
});

describe('which exemplars explain an alert', () => {
  it('takes every exemplar for sums and rates, the lowest ones past the threshold for "<" rules', async () => {
    await saveAlertRules(
      ctx.db,
      [
        latencyRule({
          name: 'errors',
          source: { kind: 'aggregate', metric: 'errors_total', aggregate: 'sum', windowMs: 5 * MIN },
          levels: [{ severity: 'critical', threshold: 2 }],
        }),
        latencyRule({
          name: 'throughput',
          source: { kind: 'aggregate', metric: 'rows_per_s', aggregate: 'min', windowMs: 5 * MIN },
          comparison: '<',
          levels: [{ severity: 'warning', threshold: 10 }],
        }),
      ],
      clock,
    );
    await row('errors_total', 3, {}, [exemplar(trace(20), 1), exemplar(trace(21), 1)]);
    await row('rows_per_s', 4, {}, [exemplar(trace(22), 4), exemplar(trace(23), 8), exemplar(trace(24), 50)]);
    const r = await step();
    expect(r.summary.errors).toEqual([]);
    expect((await linksOf('errors')).map((l) => l.link_id).sort()).toEqual([trace(20), trace(21)]);
    const slow = r.alerts.find((a) => a.labels.alertname === 'throughput');
    expect(slow!.links.traces.map((t) => t.traceId).sort()).toEqual([trace(22), trace(23)]);
  });
});

describe('links of SQL rules: trace_id, correlation_id and workflow_id columns', () => {
  it('links the workflow (with its correlation id) and the trace; ignores values that are not ids', async () => {
    const workflowId = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
    const correlation = trace(7);
    await ctx.db.query(
      `INSERT INTO ${ctx.db.table('workflow_state')} (workflow_id, correlation_id, workflow_type, status)
       VALUES ($1, $2, 'order', 'running')`,
      [workflowId, correlation],
    );
    await ctx.db.exec(
      `CREATE TABLE ${ctx.db.table('stuck_orders')} (name text, workflow_id text, trace_id text, age double precision)`,
    );
    await ctx.db.query(
      `INSERT INTO ${ctx.db.table('stuck_orders')} VALUES ('good', $1, $2, 20), ('bad', 'order-17', 'ZZZ', 30)`,
      [workflowId, correlation],
    );
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'stuck',
          source: {
            kind: 'sql',
            sql: `SELECT name, workflow_id, trace_id, age AS value FROM ${ctx.db.table('stuck_orders')}`,
          },
          levels: [{ severity: 'warning', threshold: 10 }],
        },
      ],
      clock,
    );
    const r = await step();
    expect(r.summary.errors).toEqual([]);
    const good = await alertIdOf('stuck', ['name', 'good']);
    const bad = await alertIdOf('stuck', ['name', 'bad']);
    expect((await linksOf('stuck')).map((l) => [l.alert_id, l.link_kind, l.link_id, l.value])).toEqual([
      [good, 'trace', correlation, null],
      [good, 'workflow', workflowId, null],
    ]);
    const byName = Object.fromEntries(r.alerts.map((a) => [a.labels.name, a]));
    expect(byName.good?.links).toEqual({
      alert: `${PUBLIC}/#/alerts/${good}`,
      traces: [{ traceId: correlation, url: `${PUBLIC}/#/traces/${correlation}` }],
      workflows: [{ workflowId, correlationId: correlation, url: `${PUBLIC}/#/workflows/${workflowId}` }],
    });
    expect(byName.bad?.links).toEqual({ alert: `${PUBLIC}/#/alerts/${bad}`, traces: [], workflows: [] });
  });
});

describe('pgtel serve', () => {
  it.each([
    [undefined, (port: string) => `http://localhost:${port}`],
    ['https://obs.example.com/pgtel/', () => 'https://obs.example.com/pgtel'],
  ])('links notifications under publicUrl %s (unset: the port it listens on)', async (publicUrl, base) => {
    const server = await startTestServer({ alertWebhookUrl: `${hook.url}/serve`, publicUrl, clock });
    try {
      await saveAlertRules(
        server.db,
        [
          {
            name: 'always',
            source: { kind: 'sql', sql: 'SELECT 99 AS value' },
            levels: [{ severity: 'info', threshold: 1 }],
          },
        ],
        clock,
      );
      await server.jobs.runNow('alert-evaluation');
      await server.jobs.runNow('notification-dispatch');
      const [sent] = hook.requests
        .filter((r) => r.url === '/serve')
        .flatMap((r) => (r.body as { alerts: WebhookAlert[] }).alerts);
      const id = (await server.db.query<{ id: number }>(`SELECT id FROM ${server.db.table('alerts')}`))
        .rows[0]!.id;
      expect(sent?.links.alert).toBe(`${base(new URL(server.url).port)}/#/alerts/${id}`);
    } finally {
      await stopTestServer(server);
    }
  });
});
