import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerNotifier } from '../../../src/alerts/notifiers/AlertmanagerNotifier.js';
import type { Notification, NotificationAlert, Notifier } from '../../../src/alerts/notifiers/Notifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { notifiersFromConfig } from '../../../src/alerts/notifiersFromConfig.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { enqueueNotification } from '../../../src/alerts/outbox/enqueueNotification.js';
import { resendToAlertmanager } from '../../../src/alerts/outbox/resendToAlertmanager.js';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { groupNotifications } from '../../../src/alerts/rules/groupNotifications.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { acknowledgeAlert } from '../../../src/alerts/thresholds/acknowledgeAlert.js';
import { resolveConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import {
  type AlertmanagerProcess,
  alertmanagerInstalled,
  startAlertmanager,
} from '../../helpers/alertmanager.js';
import { eventually } from '../../helpers/eventually.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';
import { type HttpReceiver, startHttpReceiver } from '../../integration/alerts/httpReceiver.js';

const PUBLIC = 'https://pgtel.example.com';
const RESEND_MS = 2_000;

const ctx = useTestDatabase();
let receiver: HttpReceiver;
let amA: AlertmanagerProcess;
let amB: AlertmanagerProcess;

beforeAll(async () => {
  if (!alertmanagerInstalled) return;
  receiver = await startHttpReceiver();
  [amA, amB] = await Promise.all([
    startAlertmanager({
      webhookUrl: `${receiver.url}/from-alertmanager`,
      receiver: 'team-hook',
      externalUrl: PUBLIC,
    }),
    startAlertmanager(),
  ]);
}, 60_000);

afterAll(async () => {
  if (!alertmanagerInstalled) return;
  await Promise.all([amA?.stop(), amB?.stop()]);
  await receiver?.close();
});

/** Alertmanager judges endsAt by the real time: pgtel's clock starts a little behind it. */
const nearlyNow = (behindMs = 30_000) => new ManualClock(Date.now() - behindMs);

/** A rule over a one-row control table whose value the test sets; evaluated every second. */
async function controlledRule(name: string, clock: ManualClock, rule: Partial<AlertRuleDefinition> = {}) {
  const db = ctx.db;
  const table = db.table(`ctl_${name.toLowerCase()}`);
  await db.exec(`CREATE TABLE ${table} (v double precision)`);
  await db.exec(`INSERT INTO ${table} VALUES (0)`);
  await saveAlertRules(
    db,
    [
      {
        name,
        source: { kind: 'sql', sql: `SELECT v AS value, 'db1' AS instance FROM ${table}` },
        levels: [{ severity: 'critical', threshold: 90 }],
        intervalMs: 1_000,
        ...rule,
      } as AlertRuleDefinition,
    ],
    clock,
  );
  return async (value: number, notifiers: readonly Notifier[]) => {
    await db.exec(`UPDATE ${table} SET v = ${value}`);
    clock.advance(1_000);
    await evaluateDueRules(db, { clock, notifiers, publicUrl: PUBLIC });
    return dispatchOutbox(db, { clock, notifiers });
  };
}

async function activeIn(am: AlertmanagerProcess, alertname: string) {
  return (await am.alerts()).filter((a) => a.labels.alertname === alertname);
}

describe.runIf(alertmanagerInstalled)('a real Alertmanager receiving pgtel alerts', () => {
  it('gets dotted label names under Prometheus names, in labels and annotation templates', async () => {
    const clock = nearlyNow();
    const notifiers = [new AlertmanagerNotifier({ url: amA.url, clock })];
    const name = 'PgtelDotted';
    const table = ctx.db.table('ctl_dotted');
    await ctx.db.exec(`CREATE TABLE ${table} (v double precision)`);
    await ctx.db.exec(`INSERT INTO ${table} VALUES (99)`);
    await saveAlertRules(
      ctx.db,
      [
        {
          name,
          source: {
            kind: 'sql',
            sql: `SELECT v AS value, 'search' AS "service.name", 'GET /x' AS "http.route" FROM ${table}`,
          },
          levels: [{ severity: 'critical', threshold: 90 }],
          intervalMs: 1_000,
          annotations: { summary: 'Slow {{labels.http_route}} of {{labels.service.name}}' },
        },
      ],
      clock,
    );
    await evaluateDueRules(ctx.db, { clock, notifiers, publicUrl: PUBLIC });
    const outcomes = await dispatchOutbox(ctx.db, { clock, notifiers });
    expect(outcomes.map((o) => [o.ok, o.error])).toEqual([[true, undefined]]);
    const [active] = await eventually(async () => {
      const found = await activeIn(amA, name);
      return found.length > 0 ? found : undefined;
    }, 'the alert in Alertmanager');
    expect(active!.labels).toEqual({
      alertname: name,
      severity: 'critical',
      service_name: 'search',
      http_route: 'GET /x',
    });
    expect(active!.annotations.summary).toBe('Slow GET /x of search');
    expect(active!.generatorURL).toMatch(`${PUBLIC}/#/alerts/`);
    // As from Prometheus: active for a few re-send periods only, so a stopped pgtel lets it expire.
    expect(Date.parse(active!.endsAt) - clock.now()).toBe(4 * 60_000);
  });

  it('a severity change resolves the former label set', async () => {
    const clock = nearlyNow();
    const notifiers = [new AlertmanagerNotifier({ url: amA.url, clock })];
    const name = 'PgtelSeverityChange';
    const step = await controlledRule(name, clock, {
      levels: [
        { severity: 'critical', threshold: 90 },
        { severity: 'warning', threshold: 50 },
      ],
    });
    await step(60, notifiers);
    const severities = async () => (await activeIn(amA, name)).map((a) => a.labels.severity).sort();
    await eventually(async () => ((await severities()).join() === 'warning' ? true : undefined), 'warning');
    expect((await step(95, notifiers)).every((o) => o.ok)).toBe(true);
    await eventually(
      async () => ((await severities()).join() === 'critical' ? true : undefined),
      'critical only',
    );
    expect(await severities()).toEqual(['critical']);
  });

  it('a resolve reaches Alertmanager while the alert flaps', async () => {
    const clock = nearlyNow();
    const notifiers = [new AlertmanagerNotifier({ url: amA.url, clock })];
    const name = 'PgtelFlapping';
    const step = await controlledRule(name, clock, { flapThreshold: 2 });
    await step(99, notifiers);
    await eventually(async () => ((await activeIn(amA, name)).length === 1 ? true : undefined), 'firing');
    const resolve = await step(10, notifiers);
    const instance = await ctx.db.query<{ flapping: boolean; state: string }>(
      `SELECT flapping, state FROM ${ctx.db.table('alert_instances')} WHERE rule_name = $1`,
      [name],
    );
    expect(instance.rows).toEqual([{ flapping: true, state: 'resolved' }]);
    expect(resolve.map((o) => o.ok)).toEqual([true]);
    await eventually(async () => ((await activeIn(amA, name)).length === 0 ? true : undefined), 'resolved');
    // Flapping still holds a new firing notification back.
    expect(await step(99, notifiers)).toEqual([]);
  });

  it('an HA pair both get every alert; a restarted one has them again within one re-send period', async () => {
    // Alerts live 4 re-send periods (8 s) here: the clock keeps up with the real time.
    const clock = nearlyNow(0);
    const config = resolveConfig(
      { alertmanagerUrls: [amA.url, amB.url], alertResendDelayMs: RESEND_MS, jobIntervalMs: 1_000 },
      {},
    );
    const notifiers = notifiersFromConfig(config, createLogger('silent'), clock).filter((n) =>
      n.name.startsWith('alertmanager'),
    );
    const name = 'PgtelHaPair';
    const step = await controlledRule(name, clock);
    const sent = await step(99, notifiers);
    expect(sent.map((o) => [o.notifier, o.ok]).sort()).toEqual([
      ['alertmanager', true],
      ['alertmanager-2', true],
    ]);
    for (const am of [amA, amB])
      await eventually(async () => ((await activeIn(am, name)).length === 1 ? true : undefined), 'both');
    const alertId = (
      await ctx.db.query<{ id: number }>(`SELECT id FROM ${ctx.db.table('alerts')} WHERE rule_name = $1`, [
        name,
      ])
    ).rows[0]!.id;
    // Acknowledging holds pgtel's own repeats only: Alertmanager keeps getting the alert.
    await acknowledgeAlert(ctx.db, Number(alertId), 'oncall', clock);

    await amB.restart();
    expect(await activeIn(amB, name)).toEqual([]);
    const resend = { notifiers, resendDelayMs: RESEND_MS, clock, publicUrl: PUBLIC };
    clock.advance(RESEND_MS);
    expect((await resendToAlertmanager(ctx.db, resend)).sort()).toEqual(['alertmanager', 'alertmanager-2']);
    // One re-send per period, however many processes call it.
    expect(await resendToAlertmanager(ctx.db, resend)).toEqual([]);
    const delivered = await dispatchOutbox(ctx.db, { clock, notifiers });
    expect(delivered.map((o) => [o.notifier, o.ok]).sort()).toEqual([
      ['alertmanager', true],
      ['alertmanager-2', true],
    ]);
    const [healed] = await eventually(async () => {
      const found = await activeIn(amB, name);
      return found.length > 0 ? found : undefined;
    }, 'the alert in the restarted Alertmanager');
    expect(healed!.labels).toMatchObject({ alertname: name, severity: 'critical', instance: 'db1' });
    expect(Date.parse(healed!.endsAt)).toBe(clock.now() + 4 * RESEND_MS);
  });

  it("pgtel serve's re-send job heals a restarted Alertmanager within one period", async () => {
    const server = await startTestServer({
      alertmanagerUrls: [amB.url],
      alertResendDelayMs: 1_000,
      jobIntervalMs: 1_000,
      publicUrl: PUBLIC,
    });
    try {
      const name = 'PgtelServeResend';
      await saveAlertRules(server.db, [
        {
          name,
          source: { kind: 'sql', sql: 'SELECT 99 AS value' },
          levels: [{ severity: 'critical', threshold: 90 }],
        },
      ]);
      await server.jobs.runNow('alert-evaluation');
      await server.jobs.runNow('notification-dispatch');
      await eventually(async () => ((await activeIn(amB, name)).length === 1 ? true : undefined), 'pushed');
      await amB.restart();
      expect(await activeIn(amB, name)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await server.jobs.runNow('alertmanager-resend');
      await server.jobs.runNow('notification-dispatch');
      const [healed] = await eventually(async () => {
        const found = await activeIn(amB, name);
        return found.length > 0 ? found : undefined;
      }, 'the re-sent alert');
      expect(healed!.generatorURL).toMatch(`${PUBLIC}/#/alerts/`);
    } finally {
      await stopTestServer(server);
    }
  });

  it('a permanent 400 is parked at once with its reason, never retried', async () => {
    const clock = nearlyNow();
    const lines: string[] = [];
    const logger = createLogger('warn', (l) => lines.push(l));
    const notifiers = [new AlertmanagerNotifier({ url: amA.url, clock })];
    const at = new Date(clock.now()).toISOString();
    const backwards: Notification = {
      groupKey: 'bad',
      status: 'resolved',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts: [
        {
          ...parityAlert({ alertname: 'PgtelRefused' }),
          status: 'resolved',
          startsAt: at,
          endsAt: new Date(clock.now() - 60_000).toISOString(),
        },
      ],
      createdAt: at,
    };
    const id = await enqueueNotification(ctx.db, 'alertmanager', backwards, clock.now());
    const [outcome] = await dispatchOutbox(ctx.db, { clock, notifiers, logger, ids: [id!] });
    expect(outcome).toMatchObject({ ok: false, parked: true, permanent: true });
    expect(outcome!.error).toMatch(/answered 400: .*start time must be before end time/);
    clock.advance(3_600_000);
    expect(await dispatchOutbox(ctx.db, { clock, notifiers, logger, ids: [id!] })).toEqual([]);
    const row = await ctx.db.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM ${ctx.db.table('alert_outbox')} WHERE id = $1`,
      [id],
    );
    expect(row.rows).toEqual([{ status: 'failed', attempts: 1 }]);
    expect(lines.filter((l) => l.includes('refused, not retried'))).toHaveLength(1);
  });

  it("pgtel's webhook body equals Alertmanager's for the same alerts, field by field", async () => {
    const clock = nearlyNow();
    const name = 'PgtelParity';
    const page = `${PUBLIC}/#/alerts/12`;
    const startsAt = new Date(clock.now() - 61_234).toISOString();
    const alerts = [
      parityAlert({ alertname: name, severity: 'critical', instance: 'b', 'service.name': 'api' }, startsAt),
      parityAlert({ alertname: name, severity: 'critical', instance: 'a', 'service.name': 'api' }, startsAt, {
        links: { alert: page, traces: [], workflows: [] },
        annotations: { summary: 'other', description: 'same' },
      }),
    ];
    const am = new AlertmanagerNotifier({ url: amA.url, clock, generatorURL: PUBLIC });
    const hook = new WebhookNotifier({
      url: `${receiver.url}/from-pgtel`,
      receiver: 'team-hook',
      externalURL: PUBLIC,
    });
    const bodies = async (status: 'firing' | 'resolved', list: NotificationAlert[]) => {
      const [notification] = groupNotifications(
        list.map((alert) => ({ groupBy: ['alertname'], alert })),
        clock.now(),
      );
      const signal = AbortSignal.timeout(10_000);
      await am.send(notification!, { idempotencyKey: status, signal });
      await hook.send(notification!, { idempotencyKey: status, signal });
      const of = (path: string) =>
        eventually(
          async () =>
            receiver.requests.find((r) => {
              const b = r.body as { status?: string; groupLabels?: { alertname?: string } };
              return r.url === path && b.status === status && b.groupLabels?.alertname === name;
            })?.body as Record<string, unknown> | undefined,
          `${status} webhook to ${path}`,
        );
      const theirs = await of('/from-alertmanager');
      const ours = structuredClone(await of('/from-pgtel'));
      for (const a of ours.alerts as Record<string, unknown>[]) {
        // pgtel's own additions, documented.
        expect(a).toHaveProperty('alertId');
        expect(a).toHaveProperty('links');
        delete a.alertId;
        delete a.links;
      }
      return { theirs, ours };
    };
    const firing = await bodies('firing', alerts);
    expect(firing.ours).toEqual(firing.theirs);
    expect(firing.theirs).toMatchObject({ groupKey: `{}:{alertname="${name}"}`, externalURL: PUBLIC });

    const endsAt = new Date(clock.now()).toISOString();
    const resolved = await bodies(
      'resolved',
      alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt })),
    );
    expect(resolved.ours).toEqual(resolved.theirs);
    expect((resolved.theirs.alerts as { status: string }[]).map((a) => a.status)).toEqual([
      'resolved',
      'resolved',
    ]);
  });
});

function parityAlert(
  labels: Record<string, string>,
  startsAt = new Date().toISOString(),
  extra: Partial<NotificationAlert> = {},
): NotificationAlert {
  return {
    alertId: 12,
    links: { alert: null, traces: [], workflows: [] },
    fingerprint: 'fp',
    status: 'firing',
    severity: 'critical',
    labels,
    annotations: { summary: 'disk', description: 'same' },
    startsAt,
    endsAt: null,
    value: 1,
    ...extra,
  };
}
