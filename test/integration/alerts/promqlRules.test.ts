import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlertInstances } from '../../../src/alerts/alertQueries.js';
import { AlertmanagerNotifier } from '../../../src/alerts/notifiers/AlertmanagerNotifier.js';
import type { Notifier } from '../../../src/alerts/notifiers/Notifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { applyRuleFile } from '../../../src/alerts/rules/file/applyFileRules.js';
import { evaluateRecordingRules } from '../../../src/alerts/rules/recording/evaluateRecordingRules.js';
import { listRecordingRules } from '../../../src/alerts/rules/recording/recordingRuleStore.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { createSilence } from '../../../src/alerts/silences/silenceStore.js';
import { storeRemoteWrite } from '../../../src/prometheus/storeRemoteWrite.js';
import { instantQuery } from '../../../src/promql/engine.js';
import { PgSampleSource } from '../../../src/promql/PgSampleSource.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import {
  type AlertmanagerProcess,
  alertmanagerInstalled,
  startAlertmanager,
} from '../../helpers/alertmanager.js';
import { eventually } from '../../helpers/eventually.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const STEP = 15_000;
let am: AlertmanagerProcess | undefined;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pgtel-promql-rules-'));
  if (alertmanagerInstalled) am = await startAlertmanager();
}, 60_000);

afterAll(async () => {
  await am?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Remote-writes `http_requests_total` samples of one job every 15 s in [fromMs, toMs], `perSecond` a second. */
async function writeRequests(job: string, fromMs: number, toMs: number, perSecond: number, startValue = 0) {
  const samples = [];
  for (let t = fromMs; t <= toMs; t += STEP)
    samples.push({ timestampMs: t, value: startValue + ((t - fromMs) / 1000) * perSecond, stale: false });
  await storeRemoteWrite(
    ctx.db,
    {
      series: [{ name: 'http_requests_total', labels: { job }, samples, exemplars: [] }],
      metadata: [],
      sampleCount: samples.length,
      skippedHistograms: 0,
    },
    toMs,
  );
  return samples[samples.length - 1]!.value;
}

function ruleFile(text: string): string {
  const path = join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

const RULES = `groups:
  - name: http
    interval: 15s
    rules:
      - record: job:http_requests:rate1m
        expr: sum by (job) (rate(http_requests_total[1m]))
        labels: { recorded: "yes" }
      - alert: HighRequestRate
        expr: job:http_requests:rate1m > 10
        for: 30s
        labels: { severity: critical }
        annotations:
          summary: "{{ $labels.job }} serves {{ $value }} requests/s"
`;

async function query(expr: string, atMs: number) {
  const result = await instantQuery(new PgSampleSource(ctx.db), expr, atMs);
  if (result.resultType !== 'vector') throw new Error(`not a vector: ${result.resultType}`);
  return result.result.map((s) => ({ labels: s.metric, value: s.value[1] }));
}

describe('PromQL alerting and recording rules of a rule file', () => {
  it('records series PromQL reads back, once per time, and fires and resolves alerts through Alertmanager', async () => {
    // A little behind the real time: Alertmanager judges endsAt (now + 4 min) by it.
    const clock = new ManualClock(Math.floor((Date.now() - 60_000) / STEP) * STEP);
    const notifiers: Notifier[] = am ? [new AlertmanagerNotifier({ url: am.url, clock })] : [];
    const t0 = clock.now();
    // api serves 20 requests/s until t0 + 30 s, then none; db 1 a second throughout.
    const last = await writeRequests('api', t0 - 5 * 60_000, t0 + 30_000, 20);
    await writeRequests('api', t0 + 45_000, t0 + 5 * 60_000, 0, last);
    await writeRequests('db', t0 - 5 * 60_000, t0 + 5 * 60_000, 1);
    const applied = await applyRuleFile(ctx.db, ruleFile(RULES), { clock });
    expect(applied.created.sort()).toEqual(['HighRequestRate', 'job:http_requests:rate1m']);

    const tick = async () => {
      const recorded = await evaluateRecordingRules(ctx.db, { clock });
      const evaluated = await evaluateDueRules(ctx.db, { clock, notifiers });
      await dispatchOutbox(ctx.db, { clock, notifiers });
      clock.advance(STEP);
      return { recorded, evaluated };
    };

    const first = await tick();
    expect(first.recorded).toEqual({ evaluated: ['job:http_requests:rate1m'], errors: [], samples: 2 });
    // The recorded series, read back through PromQL like any other.
    const rates = await query('job:http_requests:rate1m', t0);
    expect(
      rates
        .map((r) => [r.labels.job, r.labels.recorded, r.labels.__name__, Math.round(r.value * 1e6) / 1e6])
        .sort(),
    ).toEqual([
      ['api', 'yes', 'job:http_requests:rate1m', 20],
      ['db', 'yes', 'job:http_requests:rate1m', 1],
    ]);
    // A second process evaluating the same slot writes nothing twice.
    await ctx.db.query(`UPDATE ${ctx.db.table('recording_rules')} SET next_eval_at = $1`, [new Date(t0)]);
    const again = await evaluateRecordingRules(ctx.db, { clock: new ManualClock(t0 + 1_000) });
    expect(again).toMatchObject({ evaluated: ['job:http_requests:rate1m'], samples: 0 });
    const stored = await ctx.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${ctx.db.table('metrics')} WHERE metric_name = 'job:http_requests:rate1m'`,
    );
    expect(Number(stored.rows[0]!.n)).toBe(2);

    // Pending for `for: 30s`, then firing: one instance, for api only.
    let instances = await listAlertInstances(ctx.db, { states: ['pending', 'firing'], now: clock.now() });
    expect(instances.map((a) => [a.rule, a.state, a.labels.job])).toEqual([
      ['HighRequestRate', 'pending', 'api'],
    ]);
    await tick();
    await tick();
    instances = await listAlertInstances(ctx.db, { states: ['pending', 'firing'], now: clock.now() });
    expect(instances.map((a) => [a.state, a.labels, a.annotations.summary])).toEqual([
      [
        'firing',
        { job: 'api', recorded: 'yes', alertname: 'HighRequestRate', severity: 'critical' },
        'api serves 20 requests/s',
      ],
    ]);
    if (am) {
      const [active] = await eventually(async () => {
        const found = (await am!.alerts()).filter((a) => a.labels.alertname === 'HighRequestRate');
        return found.length > 0 ? found : undefined;
      }, 'the PromQL alert in Alertmanager');
      expect(active!.labels).toEqual({
        alertname: 'HighRequestRate',
        severity: 'critical',
        job: 'api',
        recorded: 'yes',
      });
      expect(active!.annotations.summary).toBe('api serves 20 requests/s');
    }

    // api stops at t0 + 30 s: a minute later its recorded rate is 0 and the alert resolves.
    for (let i = 0; i < 6; i++) await tick();
    expect(await query('job:http_requests:rate1m{job="api"}', clock.now())).toMatchObject([{ value: 0 }]);
    const history = await ctx.db.query<{ to_state: string }>(
      `SELECT to_state FROM ${ctx.db.table('alert_history')} WHERE rule_name = 'HighRequestRate' ORDER BY id`,
    );
    expect(history.rows.map((r) => r.to_state)).toEqual(['pending', 'firing', 'resolved']);
    if (am)
      await eventually(async () => {
        const found = (await am!.alerts()).filter((a) => a.labels.alertname === 'HighRequestRate');
        return found.length === 0 ? true : undefined;
      }, 'the alert resolved in Alertmanager');

    // Removed from the file: the recording rule is gone and nothing more is recorded.
    const removed = await applyRuleFile(ctx.db, ruleFile('groups: []\n'), { clock });
    expect(removed.removed.sort()).toEqual(['HighRequestRate', 'job:http_requests:rate1m']);
    expect(await listRecordingRules(ctx.db)).toEqual([]);
  }, 60_000);

  it('processes evaluating the same recording rules at once store each sample once', async () => {
    const clock = new ManualClock('2026-03-10T12:00:07Z');
    await applyRuleFile(
      ctx.db,
      ruleFile(
        'groups:\n  - name: once\n    interval: 10s\n    rules:\n      - record: pgtel_once\n        expr: vector(1)\n      - record: pgtel_twice\n        expr: pgtel_once * 2\n',
      ),
      { clock },
    );
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => evaluateRecordingRules(ctx.db, { clock })),
    );
    expect(runs.reduce((n, r) => n + r.samples, 0)).toBe(2);
    // The group ran in order: the second rule read what the first recorded at the same time.
    const at = Date.parse('2026-03-10T12:00:00Z');
    expect(await query('pgtel_twice', at + 1)).toMatchObject([{ value: 2 }]);
    const stored = await ctx.db.query<{ t: Date }>(
      `SELECT recorded_at AS t FROM ${ctx.db.table('metrics')} WHERE metric_name IN ('pgtel_once', 'pgtel_twice')`,
    );
    expect(stored.rows.map((r) => r.t.getTime())).toEqual([at, at]);
    await applyRuleFile(ctx.db, ruleFile('groups: []\n'), { clock });
  });

  it('a silence holds back the notification of a PromQL alert, which is still recorded', async () => {
    const clock = new ManualClock('2026-03-10T12:00:00Z');
    const sent: string[] = [];
    const notifier: Notifier = {
      name: 'collect',
      configured: true,
      send: async (n) => {
        sent.push(...n.alerts.map((a) => a.labels.alertname!));
      },
    };
    await writeRequests('web', clock.now() - 120_000, clock.now(), 5);
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'AnyApi',
          source: { kind: 'promql', expr: 'rate(http_requests_total{job="web"}[1m]) > 1' },
          levels: [{ severity: 'warning' }],
          intervalMs: 15_000,
        },
        {
          name: 'Quiet',
          source: { kind: 'promql', expr: 'rate(http_requests_total{job="web"}[1m])' },
          levels: [{ severity: 'info' }],
          intervalMs: 15_000,
        },
      ],
      clock,
    );
    await createSilence(
      ctx.db,
      {
        matchers: [{ name: 'alertname', value: 'Quiet', op: '=' }],
        endsAt: new Date(clock.now() + 3_600_000),
        createdBy: 'test',
      },
      clock,
    );
    const summary = await evaluateDueRules(ctx.db, { clock, notifiers: [notifier] });
    await dispatchOutbox(ctx.db, { clock, notifiers: [notifier] });
    expect(summary).toMatchObject({ evaluated: ['AnyApi', 'Quiet'], errors: [], suppressed: 1 });
    expect(sent).toEqual(['AnyApi']);
    const firing = await listAlertInstances(ctx.db, { now: clock.now() });
    expect(
      firing
        .filter((a) => a.labels.job === 'web')
        .map((a) => [a.rule, Math.round(a.value! * 1e6) / 1e6])
        .sort(),
    ).toEqual([
      ['AnyApi', 5],
      ['Quiet', 5],
    ]);
  });

  it('an expression that fails at evaluation puts the rule in its error state with the reason', async () => {
    const clock = new ManualClock('2026-03-10T12:00:00Z');
    await writeRequests('w1', clock.now() - 60_000, clock.now(), 5);
    await writeRequests('w2', clock.now() - 60_000, clock.now(), 5);
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'Clash',
          // Both series map to the same labels once the name is dropped: Prometheus's own error.
          source: {
            kind: 'promql',
            expr: 'label_replace(http_requests_total{job=~"w1|w2"}, "job", "x", "", "")',
          },
          levels: [{ severity: 'warning' }],
          intervalMs: 15_000,
          onError: 'error',
        },
      ],
      clock,
    );
    const summary = await evaluateDueRules(ctx.db, { clock });
    expect(summary.errors).toEqual([{ rule: 'Clash', error: expect.stringMatching(/same label ?set/i) }]);
  });
});
