import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerNotifier } from '../../../src/alerts/notifiers/AlertmanagerNotifier.js';
import type { Notification, NotificationAlert } from '../../../src/alerts/notifiers/Notifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { RESEND_GROUP_KEY, resendToAlertmanager } from '../../../src/alerts/outbox/resendToAlertmanager.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { sendTestAlert } from '../../../src/alerts/sendTestAlert.js';
import { acknowledgeAlert } from '../../../src/alerts/thresholds/acknowledgeAlert.js';
import type { Database } from '../../../src/db/Database.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { onRealServer, openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from './httpReceiver.js';

const ctx = useTestDatabase();
let receiver: HttpReceiver;
/** Other processes sharing the database: separate pools on the real server, the same handle on PGlite. */
let peers: Database[] = [];

beforeAll(async () => {
  receiver = await startHttpReceiver();
  peers = onRealServer
    ? await Promise.all([1, 2].map(() => openTestDatabase({ schema: ctx.db.schema, migrated: false })))
    : [];
});
afterAll(async () => {
  for (const p of peers) await p.close();
  await receiver.close();
});

async function resendRows(notifier: string) {
  const { rows } = await ctx.db.query<{ idempotency_key: string; payload: Notification; status: string }>(
    `SELECT idempotency_key, payload, status FROM ${ctx.db.table('alert_outbox')}
      WHERE notifier = $1 AND group_key = $2 ORDER BY id`,
    [notifier, RESEND_GROUP_KEY],
  );
  return rows;
}

describe('re-sending to Alertmanager', () => {
  it('queues what Alertmanager was told once per period, acknowledged or resolved lately included', async () => {
    const clock = new ManualClock('2026-05-04T10:00:00Z');
    const am = new AlertmanagerNotifier({ url: `${receiver.url}/am`, clock });
    const table = ctx.db.table('resend_ctl');
    await ctx.db.exec(`CREATE TABLE ${table} (host text, v double precision)`);
    await ctx.db.exec(`INSERT INTO ${table} VALUES ('a', 99), ('b', 99)`);
    const sql = (host: string) => `SELECT v AS value, host FROM ${table} WHERE host = '${host}'`;
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'Acked',
          source: { kind: 'sql', sql: sql('a') },
          levels: [{ severity: 'critical', threshold: 90 }],
        },
        {
          name: 'Ends',
          source: { kind: 'sql', sql: sql('b') },
          levels: [{ severity: 'warning', threshold: 90 }],
        },
        {
          name: 'StillPending',
          source: { kind: 'sql', sql: sql('a') },
          levels: [{ severity: 'critical', threshold: 90 }],
          forMs: 3_600_000,
        },
      ],
      clock,
    );
    const notifiers = [am];
    await evaluateDueRules(ctx.db, { clock, notifiers });
    await dispatchOutbox(ctx.db, { clock, notifiers });
    const acked = await ctx.db.query<{ id: number }>(
      `SELECT id FROM ${ctx.db.table('alerts')} WHERE rule_name = 'Acked'`,
    );
    await acknowledgeAlert(ctx.db, Number(acked.rows[0]!.id), 'oncall', clock);
    await ctx.db.exec(`UPDATE ${table} SET v = 1 WHERE host = 'b'`);
    clock.advance(60_000);
    await evaluateDueRules(ctx.db, { clock, notifiers });
    expect((await dispatchOutbox(ctx.db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);

    const options = { notifiers, resendDelayMs: 60_000, clock };
    const calls = [ctx.db, ...peers].map((db) => resendToAlertmanager(db, options));
    const queued = (await Promise.all(calls)).flat();
    // However many processes run the job, the period's re-send is queued once.
    expect(queued).toEqual(['alertmanager']);
    const [row] = await resendRows('alertmanager');
    expect(row!.idempotency_key).toBe('resend:2026-05-04T10:01:00.000Z');
    const alerts = row!.payload.alerts.map((a) => [a.labels.alertname, a.status, a.endsAt]);
    expect(alerts.sort()).toEqual([
      ['Acked', 'firing', null],
      ['Ends', 'resolved', '2026-05-04T10:01:00.000Z'],
    ]);

    // The next period's re-send replaces an undelivered one.
    receiver.respond = () => 503;
    expect((await dispatchOutbox(ctx.db, { clock, notifiers })).every((o) => !o.ok)).toBe(true);
    clock.advance(60_000);
    expect(await resendToAlertmanager(ctx.db, options)).toEqual(['alertmanager']);
    expect((await resendRows('alertmanager')).map((r) => r.idempotency_key)).toEqual([
      'resend:2026-05-04T10:02:00.000Z',
    ]);
    receiver.respond = () => 200;
    receiver.requests.length = 0;
    clock.advance(1_000);
    expect((await dispatchOutbox(ctx.db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);
    const pushed = receiver.requests[0]!.body as { labels: Record<string, string>; endsAt: string }[];
    // Firing: active for 4 periods from the send; resolved: its resolve time.
    expect(pushed.map((a) => [a.labels.alertname, a.endsAt]).sort()).toEqual([
      ['Acked', '2026-05-04T10:06:01.000Z'],
      ['Ends', '2026-05-04T10:01:00.000Z'],
    ]);
  });

  it('refuses a period that is not above 0', async () => {
    await expect(resendToAlertmanager(ctx.db, { notifiers: [], resendDelayMs: 0 })).rejects.toThrow(
      /resendDelayMs must be above 0/,
    );
  });
});

describe('the test alert', () => {
  it('resolves itself: a resolve is queued for its time and sent then', async () => {
    const clock = new ManualClock('2026-05-05T10:00:00Z');
    receiver.requests.length = 0;
    const hook = new WebhookNotifier({ url: `${receiver.url}/hook` });
    const outcomes = await sendTestAlert([hook], { clock, resolveAfterMs: 300_000, db: ctx.db });
    expect(outcomes).toEqual({ webhook: { status: 'sent' } });
    expect((receiver.requests[0]!.body as { status: string }).status).toBe('firing');
    clock.advance(299_000);
    expect(await dispatchOutbox(ctx.db, { clock, notifiers: [hook] })).toEqual([]);
    clock.advance(1_000);
    expect((await dispatchOutbox(ctx.db, { clock, notifiers: [hook] })).map((o) => o.ok)).toEqual([true]);
    const resolve = receiver.requests[1]!.body as { status: string; alerts: { endsAt: string }[] };
    expect(resolve.status).toBe('resolved');
    expect(resolve.alerts[0]!.endsAt).toBe('2026-05-05T10:05:00Z');
  });
});

describe('pushing many alerts', () => {
  it('sends them in batches of 64, as Prometheus does', async () => {
    receiver.requests.length = 0;
    const at = '2026-05-06T10:00:00.000Z';
    const alert = (i: number): NotificationAlert => ({
      alertId: null,
      links: { alert: null, traces: [], workflows: [] },
      fingerprint: `fp${i}`,
      status: 'firing',
      severity: 'warning',
      labels: { alertname: 'Many', instance: `i${i}` },
      annotations: {},
      startsAt: at,
      endsAt: null,
      value: 1,
    });
    const alerts = Array.from({ length: 130 }, (_, i) => alert(i));
    const notification: Notification = {
      groupKey: 'many',
      status: 'firing',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts,
      createdAt: at,
    };
    const am = new AlertmanagerNotifier({ url: `${receiver.url}/am`, clock: new ManualClock(at) });
    await am.send(notification, { idempotencyKey: 'k', signal: AbortSignal.timeout(10_000) });
    const sizes = receiver.requests.map((r) => (r.body as unknown[]).length);
    expect(sizes).toEqual([64, 64, 2]);
    const instances = receiver.requests.flatMap((r) =>
      (r.body as { labels: { instance: string } }[]).map((a) => a.labels.instance),
    );
    expect(new Set(instances).size).toBe(130);
  });
});
