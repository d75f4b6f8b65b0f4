import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlertInstances } from '../../../src/alerts/alertQueries.js';
import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { deliverAlert } from '../../../src/alerts/thresholds/deliverAlert.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from '../../integration/alerts/httpReceiver.js';

const dist = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));
const distAlerts = fileURLToPath(new URL('../../../dist/src/alerts/index.js', import.meta.url));
const MIN = 60_000;
const LOCK_KEY = 737373;

/**
 * Runs `body` in a fresh Node process against the test schema, with `db`, `clock` (fixed at `now`)
 * and `notifiers` (a webhook to `hookUrl`) in scope; prints "started" first and "done" at the end.
 */
function child(
  schema: string,
  now: number,
  hookUrl: string,
  body: string,
): { process: ChildProcess; output: Promise<string> } {
  const script = `const pgtel = { ...(await import(${JSON.stringify(dist)})), ...(await import(${JSON.stringify(distAlerts)})) };
    const db = await pgtel.openDatabase({ databaseUrl: ${JSON.stringify(testDatabaseUrl)}, schema: ${JSON.stringify(schema)}, poolSize: 2 });
    const clock = { now: () => ${now} };
    const notifiers = [new pgtel.WebhookNotifier({ url: ${JSON.stringify(hookUrl)} })];
    process.stdout.write('started\\n');
    ${body}
    process.stdout.write('done\\n');
    await db.close();`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  const output = new Promise<string>((resolve) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    proc.on('exit', () => resolve(text));
  });
  return { process: proc, output };
}

async function until(check: () => Promise<boolean> | boolean, what: string, limit = 20_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(!onRealServer)('alert processes killed or restarted', () => {
  const ctx = useTestDatabase();
  let hook: HttpReceiver;
  beforeAll(async () => {
    hook = await startHttpReceiver();
  });
  afterAll(() => hook.close());

  it('a restarted process resumes rule state; one killed mid-evaluation writes nothing and loses nothing', async () => {
    const db = ctx.db;
    const clock = new ManualClock('2026-03-10T12:00:00Z');
    await db.exec(`CREATE TABLE ${db.table('control')} (v double precision)`);
    await db.exec(`INSERT INTO ${db.table('control')} VALUES (99)`);
    await saveAlertRules(
      db,
      [
        {
          name: 'held',
          // Waits for an advisory lock the test holds, so the evaluation can be caught mid-flight.
          source: {
            kind: 'sql',
            sql: `SELECT v AS value FROM ${db.table('control')}, (SELECT pg_advisory_lock_shared(${LOCK_KEY})) AS l`,
            timeoutMs: 60_000,
          },
          levels: [{ severity: 'critical', threshold: 90 }],
          forMs: 2 * MIN,
          intervalMs: MIN,
        },
      ],
      clock,
    );
    // This process takes the rule to pending and "stops".
    await evaluateDueRules(db, { clock });
    expect((await listAlertInstances(db, { states: ['pending'] })).length).toBe(1);

    // A new process two minutes later is killed while its rule query waits.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      locked();
      await released;
    });
    await lockHeld;
    clock.advance(2 * MIN);
    const doomed = child(
      db.schema,
      clock.now(),
      hook.url,
      'await pgtel.evaluateDueRules(db, { clock, notifiers });',
    );
    await until(async () => {
      const waiting = await db.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
        [LOCK_KEY],
      );
      return waiting.rowCount > 0;
    }, 'the child to wait inside its rule query');
    doomed.process.kill('SIGKILL');
    expect(await doomed.output).not.toContain('done');
    release();
    await holder;
    // Nothing half-written: still pending, no outbox row; the claim moved the rule one interval on.
    expect((await listAlertInstances(db, { states: ['pending'] })).length).toBe(1);
    expect((await db.query(`SELECT 1 FROM ${db.table('alert_outbox')}`)).rowCount).toBe(0);
    expect((await evaluateDueRules(db, { clock })).evaluated).toEqual([]);

    // A restarted process at the next interval resumes from the stored pending state and fires.
    clock.advance(MIN);
    const restarted = child(
      db.schema,
      clock.now(),
      hook.url,
      'await pgtel.evaluateDueRules(db, { clock, notifiers });',
    );
    expect(await restarted.output).toContain('done');
    const [firing] = await listAlertInstances(db);
    expect(firing?.state).toBe('firing');
    expect(firing?.firingSince?.getTime()).toBe(clock.now());
    expect(
      (await db.query(`SELECT 1 FROM ${db.table('alert_outbox')} WHERE status = 'pending'`)).rowCount,
    ).toBe(1);
  });

  it('a worker killed while sending: the row is sent again after its lease, with the same idempotency key', async () => {
    const db = ctx.db;
    const clock = new ManualClock('2026-03-10T12:10:00Z');
    hook.requests.length = 0;
    await db.exec(`DELETE FROM ${db.table('alert_outbox')}`);
    const queued = await deliverAlert(
      db,
      {
        alertType: 'data_quality',
        severity: 'warning',
        title: 'Data Quality: gaps',
        message: 'Found 3 gaps issues',
        metadata: {},
      },
      { clock, notifiers: [new WebhookNotifier({ url: hook.url })], wait: false },
    );
    expect(queued.notifiers.webhook).toEqual({ status: 'queued' });
    // The receiver takes the request and never answers while the worker is alive.
    let answer!: (status: number) => void;
    let received!: () => void;
    const gotRequest = new Promise<void>((resolve) => {
      received = resolve;
    });
    hook.respond = () => {
      received();
      return new Promise<number>((resolve) => {
        answer = resolve;
      });
    };
    const doomed = child(
      db.schema,
      clock.now(),
      hook.url,
      'await pgtel.dispatchOutbox(db, { clock, notifiers, leaseMs: 60000 });',
    );
    await Promise.race([
      gotRequest,
      doomed.output.then((text) => {
        throw new Error(`the child exited before sending: ${text}`);
      }),
    ]);
    doomed.process.kill('SIGKILL');
    expect(await doomed.output).not.toContain('done');
    answer(200);
    hook.respond = () => 200;
    const notifiers = [new WebhookNotifier({ url: hook.url })];
    expect(await dispatchOutbox(db, { clock, notifiers })).toEqual([]); // still leased
    clock.advance(MIN);
    expect((await dispatchOutbox(db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]!.headers['idempotency-key']).toBe(hook.requests[0]!.headers['idempotency-key']);
    expect(
      (hook.requests[1]!.body as { alerts: { labels: { alertname: string } }[] }).alerts[0]?.labels.alertname,
    ).toBe('Data Quality: gaps');
  });
});
