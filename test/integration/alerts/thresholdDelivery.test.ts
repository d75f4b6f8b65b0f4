import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatNotifier } from '../../../src/alerts/notifiers/ChatNotifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { sendTestAlert } from '../../../src/alerts/sendTestAlert.js';
import { AlertThresholdChecker } from '../../../src/alerts/thresholds/AlertThresholdChecker.js';
import { acknowledgeAlert } from '../../../src/alerts/thresholds/acknowledgeAlert.js';
import { checkAllThresholds } from '../../../src/alerts/thresholds/checkAllThresholds.js';
import { deliverAlert } from '../../../src/alerts/thresholds/deliverAlert.js';
import { getRecentAlerts } from '../../../src/alerts/thresholds/getRecentAlerts.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { disposeTestDatabase, openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from './httpReceiver.js';

const HOUR = 3_600_000;
const ctx = useTestDatabase();
let telegram: HttpReceiver;
let hook: HttpReceiver;
const clock = new ManualClock('2026-03-10T12:00:00Z');

beforeAll(async () => {
  telegram = await startHttpReceiver();
  hook = await startHttpReceiver();
});
afterAll(async () => {
  await telegram.close();
  await hook.close();
});
beforeEach(() => {
  telegram.requests.length = 0;
  hook.requests.length = 0;
  telegram.respond = () => 200;
  hook.respond = () => 200;
  clock.advance(24 * HOUR);
});

function notifiers() {
  return [
    new ChatNotifier({ botToken: '123:secret', chatId: '-100', apiUrl: telegram.url }),
    new WebhookNotifier({ url: `${hook.url}/hook` }),
  ];
}

describe('seed-parity checks against stored metrics', () => {
  it('compares with the median of the last 7 days and ignores older samples', async () => {
    const db = ctx.db;
    const now = clock.now();
    const rows = [10, 10, 12, 8, 10].map((v, i) => [
      'task_duration',
      v,
      'histogram',
      new Date(now - (i + 1) * HOUR),
      {},
    ]);
    rows.push(['task_duration', 1000, 'histogram', new Date(now - 8 * 24 * HOUR), {}]);
    await db.copyRows(
      'metrics',
      ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'],
      rows,
    );
    const checker = new AlertThresholdChecker(db, { clock });
    expect(await checker.baseline('task_duration')).toBe(10);
    expect(await checker.checkPerformanceDegradation('task_duration', 20)).toBeNull();
    expect((await checker.checkPerformanceDegradation('task_duration', 25))?.message).toBe(
      'task_duration: 25.00 (baseline: 10.00, +150%)',
    );
    expect(await checker.checkPerformanceDegradation('never_recorded', 1e9)).toBeNull();
    await expect(checker.checkPerformanceDegradation('', 1)).rejects.toThrow(/metric name/);
    await expect(checker.checkPerformanceDegradation('x', Number.NaN)).rejects.toThrow(/finite/);
  });

  it('checkAllThresholds covers the four types and can deliver what it finds', async () => {
    const { alerts, deliveries } = await checkAllThresholds(
      ctx.db,
      {
        performance: { task_duration: 50 },
        integrationFailures: [{ component: 'exchange api', error: 'HTTP 502', errorCount: 5 }],
        dataQuality: { gaps: 3, clean: 0 },
        resources: { disk: 96, memory_usage: 50 },
      },
      { clock, deliver: { notifiers: notifiers(), clock } },
    );
    expect(alerts.map((a) => [a.alertType, a.severity])).toEqual([
      ['performance_degradation', 'warning'],
      ['integration_failure', 'critical'],
      ['data_quality', 'warning'],
      ['resource_exhaustion', 'critical'],
    ]);
    expect(deliveries.map((d) => d.stored)).toEqual([true, true, true, true]);
    // Only the two critical ones reach the chat; all four reach the webhook.
    expect(telegram.requests).toHaveLength(2);
    expect(hook.requests).toHaveLength(4);
  });
});

describe('deliverAlert', () => {
  const alert = {
    alertType: 'integration_failure',
    severity: 'critical' as const,
    title: 'Integration Failure: <db & co>',
    message: `db failed: ${'x'.repeat(10_000)} <script>`,
    metadata: { attempt: 1 },
  };

  it('stores the alert, returns its id and reports each notifier separately', async () => {
    const result = await deliverAlert(ctx.db, alert, {
      clock,
      publicUrl: 'https://pgtel.example.com',
      notifiers: [
        ...notifiers(),
        new ChatNotifier({ botToken: undefined, chatId: undefined, name: 'unconfigured' }),
      ],
    });
    expect(result.stored).toBe(true);
    expect(result.id).toBeGreaterThan(0);
    expect(result.notifiers).toEqual({
      chat: { status: 'sent' },
      webhook: { status: 'sent' },
      unconfigured: { status: 'not_configured' },
    });
    const sent = telegram.requests[0]!;
    expect(sent.url).toBe('/bot123:secret/sendMessage');
    const body = sent.body as { chat_id: string; text: string; parse_mode: string };
    expect(body.parse_mode).toBe('HTML');
    expect(body.chat_id).toBe('-100');
    expect(body.text.startsWith('🚨 <b>Integration Failure: &lt;db &amp; co&gt;</b>\ndb failed: xxx')).toBe(
      true,
    );
    expect(body.text.length).toBeLessThanOrEqual(4096);
    const page = `https://pgtel.example.com/#/alerts/${result.id}`;
    expect(body.text.endsWith(`\n<a href="${page}">Open in pgtel</a>`)).toBe(true);
    const [hooked] = (hook.requests[0]!.body as { alerts: Record<string, unknown>[] }).alerts;
    expect(hooked).toMatchObject({ alertId: result.id, generatorURL: page, links: { alert: page } });
    const stored = await getRecentAlerts(ctx.db, { clock, type: 'integration_failure', limit: 1 });
    expect(stored[0]).toMatchObject({
      id: result.id,
      title: alert.title,
      message: alert.message,
      metadata: { attempt: 1 },
    });
  });

  it('does not notify the same alert again within the cooldown (4 h), then does', async () => {
    const first = await deliverAlert(
      ctx.db,
      { ...alert, title: 'cooldown' },
      { clock, notifiers: notifiers() },
    );
    expect(first.notifiers.webhook).toEqual({ status: 'sent' });
    clock.advance(HOUR);
    const second = await deliverAlert(
      ctx.db,
      { ...alert, title: 'cooldown' },
      { clock, notifiers: notifiers() },
    );
    expect(second.stored).toBe(true);
    expect(second.notifiers.webhook).toEqual({ status: 'suppressed', reason: 'cooldown' });
    clock.advance(3 * HOUR);
    const third = await deliverAlert(
      ctx.db,
      { ...alert, title: 'cooldown' },
      { clock, notifiers: notifiers() },
    );
    expect(third.notifiers.webhook).toEqual({ status: 'sent' });
    expect(hook.requests).toHaveLength(2);
  });

  it('a receiver answering 500 is a failure that the worker retries with the same idempotency key', async () => {
    hook.respond = () => 500;
    const result = await deliverAlert(
      ctx.db,
      { ...alert, title: 'flaky' },
      { clock, notifiers: notifiers() },
    );
    expect(result.stored).toBe(true);
    expect(result.notifiers.chat).toEqual({ status: 'sent' });
    expect(result.notifiers.webhook).toMatchObject({ status: 'failed', willRetry: true });
    hook.respond = () => 200;
    expect(await dispatchOutbox(ctx.db, { notifiers: notifiers(), clock })).toEqual([]); // backoff not over
    clock.advance(HOUR);
    const retried = await dispatchOutbox(ctx.db, { notifiers: notifiers(), clock });
    expect(retried.map((r) => r.ok)).toEqual([true]);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[0]!.headers['idempotency-key']).toBe(hook.requests[1]!.headers['idempotency-key']);
  });

  it('still notifies directly when the database cannot store the alert', async () => {
    const broken = await openTestDatabase();
    await disposeTestDatabase(broken);
    const result = await deliverAlert(
      broken,
      { ...alert, title: 'db down' },
      { clock, notifiers: notifiers() },
    );
    expect(result.stored).toBe(false);
    expect(result.id).toBeNull();
    expect(result.storeError).toBeTruthy();
    expect(result.notifiers).toEqual({ chat: { status: 'sent' }, webhook: { status: 'sent' } });
    const [hooked] = (hook.requests[0]!.body as { alerts: Record<string, unknown>[] }).alerts;
    expect(hooked).toMatchObject({ alertId: null, links: { alert: null, traces: [], workflows: [] } });
  });

  it('refuses a malformed alert with a clear error and stores nothing', async () => {
    const before = (await getRecentAlerts(ctx.db, { clock, limit: 1000 })).length;
    await expect(deliverAlert(ctx.db, { ...alert, severity: 'urgent' as never }, { clock })).rejects.toThrow(
      /alert.severity must be one of critical, warning, info/,
    );
    await expect(deliverAlert(ctx.db, { ...alert, title: '' }, { clock })).rejects.toThrow(/alert.title/);
    expect((await getRecentAlerts(ctx.db, { clock, limit: 1000 })).length).toBe(before);
  });

  it('acknowledges with the seed columns; the first acknowledgement stays', async () => {
    const { id } = await deliverAlert(ctx.db, { ...alert, title: 'ack me' }, { clock });
    const acked = await acknowledgeAlert(ctx.db, id!, 'alice', clock);
    expect(acked.acknowledgedBy).toBe('alice');
    expect(acked.acknowledgedAt?.getTime()).toBe(clock.now());
    clock.advance(1000);
    expect((await acknowledgeAlert(ctx.db, id!, 'bob', clock)).acknowledgedBy).toBe('alice');
    await expect(acknowledgeAlert(ctx.db, 987654321, 'alice', clock)).rejects.toThrow(/not found/);
    await expect(acknowledgeAlert(ctx.db, id!, ' ', clock)).rejects.toThrow(/acknowledged by/);
  });

  it('getRecentAlerts filters by type, severity and hours, newest first', async () => {
    await deliverAlert(
      ctx.db,
      { ...alert, alertType: 'data_quality', severity: 'warning', title: 'old' },
      { clock },
    );
    clock.advance(30 * HOUR);
    await deliverAlert(
      ctx.db,
      { ...alert, alertType: 'data_quality', severity: 'info', title: 'new' },
      { clock },
    );
    const recent = await getRecentAlerts(ctx.db, { clock, type: 'data_quality' });
    expect(recent.map((a) => a.title)).toEqual(['new']);
    expect(
      (await getRecentAlerts(ctx.db, { clock, type: 'data_quality', hours: 48 })).map((a) => a.title),
    ).toEqual(['new', 'old']);
    expect(await getRecentAlerts(ctx.db, { clock, type: 'data_quality', severity: 'warning' })).toEqual([]);
    await expect(getRecentAlerts(ctx.db, { hours: 0 })).rejects.toThrow(/hours/);
  });

  it('sendTestAlert reaches every configured notifier regardless of routing', async () => {
    const outcome = await sendTestAlert(
      [...notifiers(), new WebhookNotifier({ url: undefined, name: 'off' })],
      { clock },
    );
    expect(outcome).toEqual({
      chat: { status: 'sent' },
      webhook: { status: 'sent' },
      off: { status: 'not_configured' },
    });
    expect((telegram.requests[0]!.body as { text: string }).text).toContain('pgtel test alert');
  });
});
