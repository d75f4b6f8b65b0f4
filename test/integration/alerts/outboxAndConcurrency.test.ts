import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/alerts/notifiers/Notifier.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox, requeueFailedNotifications } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { enqueueNotification } from '../../../src/alerts/outbox/enqueueNotification.js';
import { pruneAlertData } from '../../../src/alerts/pruneAlertData.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import type { Database } from '../../../src/db/Database.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { onRealServer, openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from './httpReceiver.js';

const ctx = useTestDatabase();
const clock = new ManualClock('2026-03-10T12:00:00Z');
let good: HttpReceiver;
let bad: HttpReceiver;
/** Other processes sharing the database: separate pools on the real server, the same handle on PGlite. */
let peers: Database[] = [];

beforeAll(async () => {
  good = await startHttpReceiver();
  bad = await startHttpReceiver();
  peers = onRealServer
    ? await Promise.all([1, 2].map(() => openTestDatabase({ schema: ctx.db.schema, migrated: false })))
    : [];
});
afterAll(async () => {
  for (const p of peers) await p.close();
  await good.close();
  await bad.close();
});
beforeEach(async () => {
  good.requests.length = 0;
  bad.requests.length = 0;
  good.respond = () => 200;
  bad.respond = () => 200;
  clock.advance(24 * 3_600_000);
  await ctx.db.exec(`DELETE FROM ${ctx.db.table('alert_outbox')}`);
});

function dbs(): Database[] {
  return [ctx.db, ...(peers.length > 0 ? peers : [ctx.db, ctx.db])];
}

function notification(i: number): Notification {
  const at = new Date(clock.now()).toISOString();
  return {
    groupKey: `g${i}`,
    status: 'firing',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts: [
      {
        alertId: null,
        links: { alert: null, traces: [], workflows: [] },
        fingerprint: `f${i}`,
        status: 'firing',
        severity: 'warning',
        labels: { alertname: `a${i}` },
        annotations: {},
        startsAt: at,
        endsAt: null,
        value: i,
      },
    ],
    createdAt: at,
  };
}

async function enqueue(notifier: string, count: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) await enqueueNotification(tx, notifier, notification(i), clock.now());
  });
}

async function statuses(): Promise<Record<string, number>> {
  const rows = await ctx.db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM ${ctx.db.table('alert_outbox')} GROUP BY status`,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
}

describe('several processes at once', () => {
  it('each due rule is evaluated exactly once by concurrent evaluators (SKIP LOCKED)', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `r${i}`);
    await saveAlertRules(
      ctx.db,
      names.map((name) => ({
        name,
        source: { kind: 'sql' as const, sql: 'SELECT 1 AS value' },
        levels: [{ severity: 'info' as const, threshold: 5 }],
      })),
      clock,
    );
    const evaluated: string[] = [];
    await Promise.all(
      dbs().map(async (db) => {
        for (;;) {
          const s = await evaluateDueRules(db, { clock, batchSize: 4 });
          if (s.evaluated.length === 0) return;
          evaluated.push(...s.evaluated);
        }
      }),
    );
    expect(evaluated.sort()).toEqual(names.sort());
    expect((await listAlertRules(ctx.db)).every((r) => r.evaluations === 1)).toBe(true);
  });

  it('each outbox row is sent exactly once by concurrent workers', async () => {
    await enqueue('webhook', 25);
    const notifiers = [new WebhookNotifier({ url: good.url })];
    await Promise.all(
      dbs().map(async (db) => {
        while ((await dispatchOutbox(db, { clock, notifiers, batchSize: 3 })).length > 0);
      }),
    );
    const keys = good.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(25);
    expect(new Set(keys).size).toBe(25);
    expect(await statuses()).toEqual({ sent: 25 });
  });

  it('enqueueing the same notification twice stores it once', async () => {
    await enqueue('webhook', 3);
    await enqueue('webhook', 3);
    expect(await statuses()).toEqual({ pending: 3 });
  });
});

describe('notifier faults', () => {
  it('a receiver that answers 500, is down or is slow fails alone; others are sent; nothing is lost', async () => {
    const down = await startHttpReceiver();
    await down.close();
    let release: () => void = () => {};
    bad.respond = () => new Promise<number>((resolve) => (release = () => resolve(200)));
    const notifiers = [
      new WebhookNotifier({ url: good.url, name: 'good' }),
      new WebhookNotifier({ url: bad.url, name: 'slow' }),
      new WebhookNotifier({ url: down.url, name: 'down' }),
    ];
    await enqueue('good', 1);
    await enqueue('slow', 1);
    await enqueue('down', 1);
    const outcome = await dispatchOutbox(ctx.db, { clock, notifiers, timeoutMs: 200 });
    release();
    expect(Object.fromEntries(outcome.map((o) => [o.notifier, o.ok]))).toEqual({
      good: true,
      slow: false,
      down: false,
    });
    expect(outcome.find((o) => o.notifier === 'slow')?.error).toMatch(/timed out/);
    expect(await statuses()).toEqual({ sent: 1, pending: 2 });
    // Back up: the retries go out after their backoff, with the keys of the first attempts.
    const fixed = [
      new WebhookNotifier({ url: good.url, name: 'slow' }),
      new WebhookNotifier({ url: good.url, name: 'down' }),
    ];
    clock.advance(60 * 60_000);
    expect((await dispatchOutbox(ctx.db, { clock, notifiers: fixed })).map((o) => o.ok)).toEqual([
      true,
      true,
    ]);
    expect(await statuses()).toEqual({ sent: 3 });
  });

  it('rows of a worker killed mid-send are taken over after the lease, with the same idempotency key', async () => {
    await enqueue('webhook', 2);
    // A worker claims the rows and dies before marking them sent (what dispatchOutbox's claim does).
    await ctx.db.query(
      `UPDATE ${ctx.db.table('alert_outbox')} SET status = 'sending', attempts = 1, next_attempt_at = $1`,
      [new Date(clock.now() + 60_000)],
    );
    const notifiers = [new WebhookNotifier({ url: good.url })];
    expect(await dispatchOutbox(ctx.db, { clock, notifiers })).toEqual([]);
    clock.advance(60_000);
    expect((await dispatchOutbox(ctx.db, { clock, notifiers })).map((o) => o.ok)).toEqual([true, true]);
    const keys = (
      await ctx.db.query<{ k: string }>(
        `SELECT idempotency_key AS k FROM ${ctx.db.table('alert_outbox')} ORDER BY id`,
      )
    ).rows;
    expect(good.requests.map((r) => r.headers['idempotency-key'])).toEqual(keys.map((r) => r.k));
  });

  it('after the last attempt a row is parked as failed, kept, and can be requeued', async () => {
    bad.respond = () => 503;
    await enqueue('webhook', 1);
    const notifiers = [new WebhookNotifier({ url: bad.url })];
    for (let i = 0; i < 3; i++) {
      const [o] = await dispatchOutbox(ctx.db, { clock, notifiers, maxAttempts: 3, random: () => 0 });
      expect(o?.parked).toBe(i === 2);
      clock.advance(3_600_000);
    }
    expect(await dispatchOutbox(ctx.db, { clock, notifiers })).toEqual([]);
    const [row] = (
      await ctx.db.query<{ status: string; last_error: string; attempts: number }>(
        `SELECT status, last_error, attempts FROM ${ctx.db.table('alert_outbox')}`,
      )
    ).rows;
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row?.last_error).toMatch(/answered 503/);
    bad.respond = () => 200;
    expect(await requeueFailedNotifications(ctx.db, clock)).toBe(1);
    expect((await dispatchOutbox(ctx.db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);
  });

  it('pruning removes old sent rows only', async () => {
    await enqueue('webhook', 2);
    const notifiers = [new WebhookNotifier({ url: good.url })];
    await dispatchOutbox(ctx.db, { clock, notifiers, batchSize: 1 });
    clock.advance(8 * 24 * 3_600_000);
    expect((await pruneAlertData(ctx.db, { clock })).outbox).toBe(1);
    expect(await statuses()).toEqual({ pending: 1 });
    await expect(pruneAlertData(ctx.db, { clock, historyDays: 0 })).rejects.toThrow(/historyDays/);
  });

  it('rows for a notifier this process does not have wait for one that does', async () => {
    await enqueue('elsewhere', 1);
    expect(
      await dispatchOutbox(ctx.db, { clock, notifiers: [new WebhookNotifier({ url: good.url })] }),
    ).toEqual([]);
    expect(await statuses()).toEqual({ pending: 1 });
  });
});
