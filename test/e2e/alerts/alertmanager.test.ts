import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerNotifier } from '../../../src/alerts/notifiers/AlertmanagerNotifier.js';
import { alertmanagerWebhookPayload } from '../../../src/alerts/notifiers/alertmanagerWebhookPayload.js';
import type { Notification } from '../../../src/alerts/notifiers/Notifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort, hasBinary } from '../../helpers/peers.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { type HttpReceiver, startHttpReceiver } from '../../integration/alerts/httpReceiver.js';

const BINARY = 'prometheus-alertmanager';
const PUBLIC = 'https://pgtel.example.com';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const installed = hasBinary(BINARY);

const ctx = useTestDatabase();
let receiver: HttpReceiver;
let alertmanager: ChildProcess | undefined;
let amUrl = '';
let dir = '';
let output = '';

beforeAll(async () => {
  if (!installed) return;
  receiver = await startHttpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'pgtel-am-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${receiver.url}/from-alertmanager
        send_resolved: true
`,
  );
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    BINARY,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  alertmanager.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  await eventually(
    async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined),
    'Alertmanager to start',
  ).catch((error: Error) => {
    throw new Error(`${error.message}; its output: ${output}`);
  });
}, 30_000);

afterAll(async () => {
  if (!installed) return;
  if (alertmanager && alertmanager.exitCode === null) {
    const exited = new Promise((resolve) => alertmanager?.once('exit', resolve));
    alertmanager.kill('SIGTERM');
    await exited;
  }
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(installed)('a real Alertmanager receiving pgtel alerts', () => {
  it('gets firing and resolved alerts through /api/v2/alerts and routes them to its webhook', async () => {
    // Alertmanager judges endsAt by the real time, so pgtel's clock starts a little behind it.
    const clock = new ManualClock(Date.now() - 10 * 60_000);
    const db = ctx.db;
    await db.exec(`CREATE TABLE ${db.table('am_control')} (v double precision)`);
    await db.exec(`INSERT INTO ${db.table('am_control')} VALUES (99)`);
    await saveAlertRules(
      db,
      [
        {
          name: 'PgtelDiskFull',
          source: {
            kind: 'sql',
            // A dotted label (as `groupBy: ['service.name']` makes) reaches Alertmanager as service_name.
            sql: `SELECT v AS value, 'db1' AS instance, 'search' AS "service.name", '${TRACE}' AS trace_id
                    FROM ${db.table('am_control')}`,
          },
          levels: [{ severity: 'critical', threshold: 90 }],
          intervalMs: 60_000,
          annotations: { summary: 'Disk {{labels.instance}} at {{value}}%' },
        },
      ],
      clock,
    );
    const notifiers = [new AlertmanagerNotifier({ url: amUrl, clock })];
    await evaluateDueRules(db, { clock, notifiers, publicUrl: PUBLIC });
    const alertId = (
      await db.query<{ id: number }>(`SELECT id FROM ${db.table('alerts')} WHERE rule_name = 'PgtelDiskFull'`)
    ).rows[0]!.id;
    const page = `${PUBLIC}/#/alerts/${alertId}`;
    expect((await dispatchOutbox(db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);

    const active = await eventually(async () => {
      const alerts = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        annotations: Record<string, string>;
        status: { state: string };
        generatorURL: string;
      }[];
      return alerts.find((a) => a.labels.alertname === 'PgtelDiskFull');
    }, 'the alert in Alertmanager');
    expect(active.labels).toMatchObject({ severity: 'critical', instance: 'db1', service_name: 'search' });
    expect(active.annotations.summary).toBe('Disk db1 at 99%');
    expect(active.status.state).toBe('active');
    // Alertmanager keeps only labels, annotations and generatorURL: pgtel's links travel there.
    expect(active.generatorURL).toBe(page);
    expect(active.annotations.trace_ids).toBe(TRACE);

    const firing = await eventually(
      async () => receiver.requests.find((r) => (r.body as { status?: string }).status === 'firing'),
      "Alertmanager's webhook notification",
    );
    // Alertmanager's own webhook body has the shape pgtel's webhook notifier sends.
    const ours = alertmanagerWebhookPayload({ alerts: [] } as unknown as Notification, 'hook', '');
    expect(Object.keys(firing.body as object).sort()).toEqual(Object.keys(ours).sort());
    expect((firing.body as { version: string }).version).toBe('4');
    expect((firing.body as { alerts: { generatorURL: string }[] }).alerts[0]?.generatorURL).toBe(page);

    await db.exec(`UPDATE ${db.table('am_control')} SET v = 10`);
    clock.advance(60_000);
    await evaluateDueRules(db, { clock, notifiers, publicUrl: PUBLIC });
    expect((await dispatchOutbox(db, { clock, notifiers })).map((o) => o.ok)).toEqual([true]);
    const resolved = await eventually(
      async () => receiver.requests.find((r) => (r.body as { status?: string }).status === 'resolved'),
      'the resolved notification from Alertmanager',
    );
    expect(
      (resolved.body as { alerts: { labels: Record<string, string> }[] }).alerts[0]?.labels.alertname,
    ).toBe('PgtelDiskFull');
  }, 60_000);
});
