import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getAlertHistory, listAlertInstances } from '../../../src/alerts/alertQueries.js';
import { ChatNotifier } from '../../../src/alerts/notifiers/ChatNotifier.js';
import type { Notifier } from '../../../src/alerts/notifiers/Notifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { deleteAlertRule, listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { createSilence, expireSilence } from '../../../src/alerts/silences/silenceStore.js';
import { acknowledgeAlert } from '../../../src/alerts/thresholds/acknowledgeAlert.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from './httpReceiver.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ctx = useTestDatabase();
const clock = new ManualClock('2026-03-10T12:00:00Z');
let hook: HttpReceiver;
let notifiers: Notifier[];

beforeAll(async () => {
  hook = await startHttpReceiver();
  notifiers = [new WebhookNotifier({ url: hook.url })];
});
afterAll(() => hook.close());
beforeEach(async () => {
  for (const r of await listAlertRules(ctx.db)) await deleteAlertRule(ctx.db, r.rule.name);
  // Deleting a firing rule queues its resolve: each test starts with an empty outbox.
  await ctx.db.query(`DELETE FROM ${ctx.db.table('alert_outbox')}`);
  hook.requests.length = 0;
  clock.advance(30 * 24 * HOUR);
});

async function gauge(name: string, value: number, labels: Record<string, string> = {}, agoMs = 1000) {
  await ctx.db.copyRows(
    'metrics',
    ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'],
    [[name, value, 'gauge', new Date(clock.now() - agoMs), labels]],
  );
}

type Sample = [name: string, value: number, labels?: Record<string, string>];

/**
 * Moves the clock, records `samples` just before the new now, evaluates once and lets the worker
 * deliver; returns what the receiver got in this step.
 */
async function step(advanceMs = MIN, ...samples: Sample[]) {
  clock.advance(advanceMs);
  for (const [name, value, labels] of samples) await gauge(name, value, labels);
  const before = hook.requests.length;
  const summary = await evaluateDueRules(ctx.db, { clock, notifiers });
  await dispatchOutbox(ctx.db, { clock, notifiers });
  const bodies = hook.requests
    .slice(before)
    .map((r) => r.body as { alerts: { status: string; labels: Record<string, string> }[] });
  return { summary, alerts: bodies.flatMap((b) => b.alerts), bodies };
}

function rule(name: string, extra: Partial<AlertRuleDefinition> = {}): AlertRuleDefinition {
  return {
    name,
    source: { kind: 'aggregate', metric: name, aggregate: 'avg', windowMs: 5 * MIN, groupBy: ['host'] },
    levels: [
      { severity: 'critical', threshold: 95, resolveThreshold: 90 },
      { severity: 'warning', threshold: 80 },
    ],
    intervalMs: MIN,
    ...extra,
  };
}

describe('rule evaluation over stored metrics', () => {
  it('goes pending -> firing -> resolved per label group, notifies once, repeats after 4 h, records history with values', async () => {
    await saveAlertRules(ctx.db, [rule('cpu', { forMs: 2 * MIN })], clock);
    await gauge('cpu', 97, { host: 'a' });
    await gauge('cpu', 10, { host: 'b' });
    let r = await step(0);
    expect(r.alerts).toEqual([]);
    expect((await listAlertInstances(ctx.db, { states: ['pending'] })).map((i) => i.labels.host)).toEqual([
      'a',
    ]);
    r = await step(MIN, ['cpu', 97, { host: 'a' }]);
    expect(r.alerts).toEqual([]);
    r = await step(MIN, ['cpu', 97, { host: 'a' }]);
    expect(r.alerts.map((a) => [a.status, a.labels.host, a.labels.severity])).toEqual([
      ['firing', 'a', 'critical'],
    ]);
    for (let i = 0; i < 5; i++) {
      expect((await step(MIN, ['cpu', 97, { host: 'a' }])).alerts).toEqual([]);
    }
    expect((await step(4 * HOUR, ['cpu', 97, { host: 'a' }])).alerts.map((a) => a.status)).toEqual([
      'firing',
    ]);
    r = await step(10 * MIN, ['cpu', 20, { host: 'a' }]);
    expect(r.alerts.map((a) => [a.status, a.labels.host])).toEqual([['resolved', 'a']]);
    const history = await getAlertHistory(ctx.db, { rule: 'cpu' });
    expect(history.map((h) => [h.from, h.to, h.value])).toEqual([
      ['firing', 'resolved', 20],
      ['pending', 'firing', 97],
      ['inactive', 'pending', 97],
    ]);
  });

  it('an evaluation error is an explicit state, never a resolve; the alert resumes', async () => {
    await saveAlertRules(ctx.db, [rule('mem')], clock);
    expect((await step(MIN, ['mem', 99, { host: 'a' }])).alerts.map((a) => a.status)).toEqual(['firing']);
    // Break the rule's source: a SQL rule under the same name that fails.
    await saveAlertRules(
      ctx.db,
      [rule('mem', { source: { kind: 'sql', sql: 'SELECT 1/0 AS value' } })],
      clock,
    );
    const r = await step();
    expect(r.summary.errors[0]?.error).toMatch(/division by zero/);
    expect(r.alerts).toEqual([]);
    const [instance] = await listAlertInstances(ctx.db, { rule: 'mem', states: ['error'] });
    expect(instance?.error).toMatch(/division by zero/);
    expect((await listAlertRules(ctx.db))[0]?.lastError).toMatch(/division by zero/);
    await saveAlertRules(ctx.db, [rule('mem')], clock);
    expect((await step(MIN, ['mem', 99, { host: 'a' }])).alerts).toEqual([]); // still the same episode, already notified
    expect((await listAlertInstances(ctx.db, { rule: 'mem' })).map((i) => i.state)).toEqual(['firing']);
  });

  it('no data is its own state; absence rules fire when a metric stops arriving', async () => {
    await saveAlertRules(
      ctx.db,
      [
        rule('quiet'),
        rule('heartbeat', {
          source: { kind: 'absent', metric: 'heartbeat', windowMs: 5 * MIN },
          levels: [{ severity: 'critical', threshold: 0 }],
        }),
      ],
      clock,
    );
    await gauge('heartbeat', 1);
    let r = await step(0);
    expect(r.alerts).toEqual([]);
    expect((await listAlertInstances(ctx.db, { rule: 'quiet', states: ['nodata'] })).length).toBe(1);
    r = await step(10 * MIN);
    expect(r.alerts.map((a) => [a.labels.alertname, a.status])).toEqual([['heartbeat', 'firing']]);
  });

  it('rate of change and deviation from the 7-day median baseline', async () => {
    await saveAlertRules(
      ctx.db,
      [
        rule('queue_depth', {
          source: { kind: 'rate', metric: 'queue_depth', windowMs: 10 * MIN },
          levels: [{ severity: 'warning', threshold: 1 }],
        }),
        rule('latency', {
          source: { kind: 'baseline', metric: 'latency', windowMs: 5 * MIN },
          levels: [{ severity: 'warning', threshold: 2 }],
          annotations: { description: 'latency {{details.current}} vs baseline {{details.baseline}}' },
        }),
      ],
      clock,
    );
    await gauge('queue_depth', 100, {}, 9 * MIN);
    await gauge('queue_depth', 1000, {}, 1000); // +900 in 10 min = 1.5/s
    for (let d = 1; d <= 6; d++) await gauge('latency', 100 + d, {}, d * 24 * HOUR);
    await gauge('latency', 500, {}, 9 * 24 * HOUR); // older than the baseline window
    await gauge('latency', 250, {});
    const r = await step(0);
    const byName = Object.fromEntries(r.bodies.flatMap((b) => b.alerts).map((a) => [a.labels.alertname, a]));
    expect(Object.keys(byName).sort()).toEqual(['latency', 'queue_depth']);
    const [latency] = await listAlertInstances(ctx.db, { rule: 'latency' });
    expect(latency?.value).toBeCloseTo(250 / 103.5, 6);
    expect(latency?.annotations.description).toBe('latency 250 vs baseline 103.5');
    const [rate] = await listAlertInstances(ctx.db, { rule: 'queue_depth' });
    expect(rate?.value).toBeCloseTo(1.5, 6);
  });

  it('percentile rules call metric_percentile', async () => {
    await saveAlertRules(
      ctx.db,
      [
        rule('req_ms', {
          source: {
            kind: 'percentile',
            metric: 'req_ms',
            p: 0.9,
            windowMs: 5 * MIN,
            labels: { route: '/a' },
          },
          levels: [{ severity: 'warning', threshold: 500 }],
        }),
      ],
      clock,
    );
    for (let i = 1; i <= 100; i++) await gauge('req_ms', i * 10, { route: '/a' }, 2000);
    for (let i = 1; i <= 100; i++) await gauge('req_ms', 1, { route: '/b' }, 2000);
    const r = await step(0);
    expect(r.alerts.map((a) => a.labels.alertname)).toEqual(['req_ms']);
    const [instance] = await listAlertInstances(ctx.db, { rule: 'req_ms' });
    expect(instance?.value).toBeGreaterThan(850);
    expect(instance?.value).toBeLessThan(950);
  });
});

describe('deleting a rule', () => {
  it('resolves what it left firing: the alert rows, and a resolve to every notifier told it fired', async () => {
    await saveAlertRules(ctx.db, [rule('gone'), rule('quiet')], clock);
    const fired = await step(MIN, ['gone', 99, { host: 'a' }], ['gone', 97, { host: 'b' }], ['quiet', 1]);
    expect(fired.alerts.map((a) => [a.status, a.labels.host])).toEqual([
      ['firing', 'a'],
      ['firing', 'b'],
    ]);
    clock.advance(MIN);
    const before = hook.requests.length;
    await deleteAlertRule(ctx.db, 'gone', { clock, publicUrl: 'https://pgtel.example.com' });
    await deleteAlertRule(ctx.db, 'quiet', { clock }); // never notified: nothing to resolve
    await dispatchOutbox(ctx.db, { clock, notifiers });
    const bodies = hook.requests.slice(before).map(
      (r) =>
        r.body as {
          status: string;
          alerts: {
            status: string;
            endsAt: string;
            labels: Record<string, string>;
            links: { alert: string };
          }[];
        },
    );
    expect(bodies.map((b) => b.status)).toEqual(['resolved']);
    const resolved = bodies[0]!.alerts;
    expect(resolved.map((a) => [a.status, a.labels.host, Date.parse(a.endsAt)])).toEqual([
      ['resolved', 'a', clock.now()],
      ['resolved', 'b', clock.now()],
    ]);
    expect(resolved[0]!.links.alert).toMatch(/^https:\/\/pgtel\.example\.com\/#\/alerts\/\d+$/);
    const rows = await ctx.db.query<{ resolved_at: Date | null }>(
      `SELECT resolved_at FROM ${ctx.db.table('alerts')} WHERE rule_name = 'gone'`,
    );
    expect(rows.rows.map((r) => r.resolved_at)).toEqual([new Date(clock.now()), new Date(clock.now())]);
    await expect(deleteAlertRule(ctx.db, 'gone')).rejects.toThrow('Alert rule "gone" not found.');
  });
});

describe('noise control', () => {
  it('silences hold notifications within their time range; they go out after it', async () => {
    await saveAlertRules(ctx.db, [rule('disk')], clock);
    const silence = await createSilence(
      ctx.db,
      {
        matchers: [{ name: 'host', value: 'a|b', op: '=~' }],
        endsAt: new Date(clock.now() + HOUR),
        createdBy: 'ops',
      },
      clock,
    );
    let r = await step(MIN, ['disk', 99, { host: 'a' }], ['disk', 99, { host: 'c' }]);
    expect(r.alerts.map((a) => a.labels.host)).toEqual(['c']);
    expect(r.summary.suppressed).toBe(1);
    await expireSilence(ctx.db, silence.id, clock);
    r = await step(MIN, ['disk', 99, { host: 'a' }], ['disk', 99, { host: 'c' }]);
    expect(r.alerts.map((a) => a.labels.host)).toEqual(['a']);
  });

  it('groups alerts that fire together into one notification', async () => {
    await saveAlertRules(
      ctx.db,
      [
        rule('g1', { groupBy: ['team'], labels: { team: 'db' } }),
        rule('g2', { groupBy: ['team'], labels: { team: 'db' } }),
      ],
      clock,
    );
    const r = await step(
      MIN,
      ['g1', 99, { host: 'a' }],
      ['g1', 99, { host: 'b' }],
      ['g2', 85, { host: 'a' }],
    );
    expect(r.bodies).toHaveLength(1);
    expect(r.bodies[0]!.alerts).toHaveLength(3);
    expect((r.bodies[0] as unknown as { groupLabels: unknown }).groupLabels).toEqual({ team: 'db' });
  });

  it('suppresses a flapping alert, then reports its settled state', async () => {
    await saveAlertRules(ctx.db, [rule('flap', { flapThreshold: 3, flapWindowMs: 30 * MIN })], clock);
    const sent: string[] = [];
    for (const v of [99, 10, 99, 10, 99]) {
      sent.push(...(await step(5 * MIN + 1, ['flap', v, { host: 'a' }])).alerts.map((a) => a.status));
    }
    expect(sent).toEqual(['firing', 'resolved']); // the third change starts flapping
    const [flapping] = await listAlertInstances(ctx.db, { rule: 'flap' });
    expect([flapping?.state, flapping?.flapping]).toEqual(['firing', true]);
    // Stable for longer than the flap window: the settled (firing) state goes out once.
    const settled = await step(HOUR, ['flap', 99, { host: 'a' }]);
    expect(settled.alerts.map((a) => a.status)).toEqual(['firing']);
  });

  it('routes by severity: the chat gets only critical alerts, escaped HTML', async () => {
    const chat = await startHttpReceiver();
    try {
      const both = [...notifiers, new ChatNotifier({ botToken: 't', chatId: '1', apiUrl: chat.url })];
      await saveAlertRules(
        ctx.db,
        [rule('routed', { annotations: { summary: '{{labels.host}} <hot> & {{severity}}' } })],
        clock,
      );
      clock.advance(MIN);
      await gauge('routed', 85, { host: 'w' });
      await gauge('routed', 99, { host: 'c' });
      await evaluateDueRules(ctx.db, { clock, notifiers: both });
      await dispatchOutbox(ctx.db, { clock, notifiers: both });
      expect(chat.requests).toHaveLength(1);
      expect((chat.requests[0]!.body as { text: string }).text).toContain(
        '<b>c &lt;hot&gt; &amp; critical</b>',
      );
      expect(hook.requests.flatMap((r) => (r.body as { alerts: unknown[] }).alerts)).toHaveLength(2);
    } finally {
      await chat.close();
    }
  });

  it('an acknowledged alert stops repeating but still notifies its resolve', async () => {
    await saveAlertRules(ctx.db, [rule('acked')], clock);
    expect((await step(MIN, ['acked', 99, { host: 'a' }])).alerts).toHaveLength(1);
    const [instance] = await listAlertInstances(ctx.db, { rule: 'acked' });
    await acknowledgeAlert(ctx.db, instance!.alertId!, 'alice', clock);
    expect((await step(5 * HOUR, ['acked', 99, { host: 'a' }])).alerts).toEqual([]);
    expect((await step(10 * MIN, ['acked', 10, { host: 'a' }])).alerts.map((a) => a.status)).toEqual([
      'resolved',
    ]);
  });
});
