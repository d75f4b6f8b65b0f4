import { describe, expect, it } from 'vitest';
import { listAlertInstances } from '../../../src/alerts/alertQueries.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { applyFileRules } from '../../../src/alerts/rules/file/applyFileRules.js';
import { parseRuleFile } from '../../../src/alerts/rules/file/parseRuleFile.js';
import { listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { checkAllThresholds } from '../../../src/alerts/thresholds/checkAllThresholds.js';
import { deliverAlert } from '../../../src/alerts/thresholds/deliverAlert.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from '../api/apiTestApp.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

const ctx = useTestDatabase();
const clock = new ManualClock('2026-03-10T12:00:00Z');
const MINUTE = 60_000;

function file(...rules: [name: string, sql: string][]) {
  const parsed = parseRuleFile({
    groups: [
      {
        name: 'file-group',
        interval: '1m',
        rules: rules.map(([name, sql]) => ({
          alert: name,
          source: { kind: 'sql', sql },
          levels: [{ severity: 'warning', threshold: 1 }],
          annotations: { summary: '{{labels.alertname}} at {{value}}' },
        })),
      },
    ],
  });
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
}

async function evaluate() {
  clock.advance(MINUTE);
  return evaluateDueRules(ctx.db, { clock });
}

async function call(method: string, path: string, body?: unknown, token?: string) {
  const app = createTestApp(ctx.db, clock, token ? { apiToken: token } : {});
  const response = await app.fetch(
    new Request(`http://pgtel.test/api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  return { status: response.status, body: (await response.json()) as Json };
}

describe('rule file apply and reload', () => {
  it('creates, updates and removes file rules (resolving their alerts) and never touches code or API rules', async () => {
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'FromCode',
          source: { kind: 'sql', sql: 'SELECT 5 AS value' },
          levels: [{ severity: 'info', threshold: 1 }],
        },
      ],
      clock,
    );
    const first = await applyFileRules(
      ctx.db,
      file(['Hot', 'SELECT 5 AS value'], ['Cold', 'SELECT 0 AS value']),
      { clock },
    );
    expect(first).toEqual({ created: ['Hot', 'Cold'], updated: [], unchanged: [], removed: [] });
    await evaluate();
    const firing = await listAlertInstances(ctx.db, { now: clock.now() });
    expect(firing.map((a) => [a.rule, a.state, a.annotations.summary]).sort()).toEqual([
      ['FromCode', 'firing', 'FromCode'],
      ['Hot', 'firing', 'Hot at 5'],
    ]);

    // The same file again changes nothing; a file without Hot removes it and resolves its alert.
    expect(
      await applyFileRules(ctx.db, file(['Hot', 'SELECT 5 AS value'], ['Cold', 'SELECT 0 AS value']), {
        clock,
      }),
    ).toMatchObject({
      unchanged: ['Hot', 'Cold'],
    });
    const hotAlert = firing.find((a) => a.rule === 'Hot')!.alertId!;
    clock.advance(1000);
    expect(await applyFileRules(ctx.db, file(['Cold', 'SELECT 2 AS value']), { clock })).toEqual({
      created: [],
      updated: ['Cold'],
      unchanged: [],
      removed: ['Hot'],
    });
    const resolved = await ctx.db.query<{ resolved_at: Date | null }>(
      `SELECT resolved_at FROM ${ctx.db.table('alerts')} WHERE id = $1`,
      [hotAlert],
    );
    expect(resolved.rows[0]?.resolved_at?.getTime()).toBe(clock.now());
    const rules = await listAlertRules(ctx.db);
    expect(rules.map((r) => [r.rule.name, r.origin, r.group])).toEqual([
      ['Cold', 'file', 'file-group'],
      ['FromCode', 'code', null],
    ]);

    // A file rule named like a code rule fails the whole apply; nothing changes.
    await expect(
      applyFileRules(ctx.db, file(['Cold', 'SELECT 0 AS value'], ['FromCode', 'SELECT 0 AS value']), {
        clock,
      }),
    ).rejects.toThrow(/"FromCode" already exists, created through code or the API/);
    expect((await listAlertRules(ctx.db)).map((r) => [r.rule.name, r.origin])).toEqual([
      ['Cold', 'file'],
      ['FromCode', 'code'],
    ]);
    // And code cannot overwrite a file rule.
    await expect(
      saveAlertRules(
        ctx.db,
        [
          {
            name: 'Cold',
            source: { kind: 'sql', sql: 'SELECT 1 AS value' },
            levels: [{ severity: 'info', threshold: 0 }],
          },
        ],
        clock,
      ),
    ).rejects.toThrow(/comes from the rule file/);
  });
});

describe('rule routes', () => {
  it('PUT, GET, DELETE /api/alerts/rules/:name with 400s naming every field and 409 for file rules', async () => {
    const rule = {
      source: { kind: 'sql', sql: 'SELECT 3 AS value' },
      levels: [{ severity: 'critical', threshold: 2 }],
      intervalMs: 30_000,
    };
    const created = await call('PUT', '/alerts/rules/Api%20Rule', rule);
    expect(created.status).toBe(201);
    expect(created.body.rule).toMatchObject({
      origin: 'api',
      state: 'unevaluated',
      rule: { name: 'Api Rule', intervalMs: 30_000 },
    });
    expect((await call('PUT', '/alerts/rules/Api%20Rule', rule)).status).toBe(200);

    const bad = await call('PUT', '/alerts/rules/Broken', {
      source: { kind: 'rate', metric: '', windowMs: -1 },
      levels: [],
      comparison: '!',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'Alert rule "Broken": source.metric: must be a metric name; source.windowMs: must be a number of milliseconds >= 1 (got -1); comparison: must be one of > >= < <=; levels: must list at least one { severity, threshold }',
    );
    expect((await call('PUT', '/alerts/rules/X', { ...rule, name: 'Y' })).status).toBe(400);
    expect((await call('GET', '/alerts/rules/Broken')).status).toBe(404);

    await evaluate();
    const one = await call('GET', '/alerts/rules/Api%20Rule');
    expect(one.status).toBe(200);
    expect(one.body.rule).toMatchObject({ state: 'firing', instances: { firing: 1 } });
    expect(one.body.alerts.map((a: { state: string; value: number }) => [a.state, a.value])).toEqual([
      ['firing', 3],
    ]);
    const list = await call('GET', '/alerts/rules');
    expect(list.body.rules.find((r: { rule: { name: string } }) => r.rule.name === 'Api Rule').state).toBe(
      'firing',
    );

    // The rule file's rules change only through the file.
    const applied = await call('PUT', '/alerts/rules', {
      groups: [
        {
          name: 'g',
          rules: [
            {
              alert: 'Filed',
              source: { kind: 'sql', sql: 'SELECT 0 AS value' },
              levels: [{ severity: 'info', threshold: 1 }],
            },
          ],
        },
      ],
    });
    expect(applied.status).toBe(200);
    expect(applied.body.created).toContain('Filed');
    expect((await call('PUT', '/alerts/rules/Filed', rule)).status).toBe(409);
    expect((await call('DELETE', '/alerts/rules/Filed')).status).toBe(409);
    const badFile = await call('PUT', '/alerts/rules', {
      groups: [{ name: 'g', rules: [{ alert: 'Q', expr: 'rate(up[5m]' }] }],
    });
    expect(badFile.status).toBe(400);
    expect(badFile.body.error.message).toContain('group "g", rule "Q", field expr: PromQL: ');
    // A PromQL rule and a recording rule through the same API; the listing shows both.
    const promql = await call('PUT', '/alerts/rules', {
      groups: [
        {
          name: 'g',
          interval: '30s',
          rules: [
            {
              alert: 'Filed',
              source: { kind: 'sql', sql: 'SELECT 0 AS value' },
              levels: [{ severity: 'info', threshold: 1 }],
            },
            { alert: 'Up', expr: 'up == 0', labels: { severity: 'info' } },
            { record: 'job:up:sum', expr: 'sum by (job) (up)' },
          ],
        },
      ],
    });
    expect(promql.body).toMatchObject({ rules: 2, recordingRules: 1, created: ['Up', 'job:up:sum'] });
    const listed = await call('GET', '/alerts/rules');
    expect(listed.body.rules.find((r: Json) => r.rule.name === 'Up').rule.source).toEqual({
      kind: 'promql',
      expr: 'up == 0',
    });
    expect(listed.body.recordingRules).toMatchObject([
      { group: 'g', position: 2, record: 'job:up:sum', expr: 'sum by (job) (up)', intervalMs: 30_000 },
    ]);
    // Through the single-rule API too, as any other source.
    const viaApi = await call('PUT', '/alerts/rules/ApiPromql', {
      source: { kind: 'promql', expr: 'vector(1)' },
      levels: [{ severity: 'warning' }],
    });
    expect(viaApi.status).toBe(201);

    const deleted = await call('DELETE', '/alerts/rules/Api%20Rule');
    expect(deleted).toEqual({ status: 200, body: { deleted: 'Api Rule' } });
    expect((await call('DELETE', '/alerts/rules/Api%20Rule')).status).toBe(404);
    // Writes need the token when the api scope is guarded.
    expect((await call('PUT', '/alerts/rules/Guarded', rule, undefined)).status).toBe(201);
    const app = createTestApp(ctx.db, clock, { apiToken: 's3cret' });
    const refused = await app.fetch(
      new Request('http://pgtel.test/api/alerts/rules/Guarded', { method: 'DELETE' }),
    );
    expect(refused.status).toBe(401);
    expect((await call('DELETE', '/alerts/rules/Guarded', undefined, 's3cret')).status).toBe(200);
  });
});

describe('one alert list', () => {
  it('lists threshold-check alerts beside rule alerts, resolves them when the check passes or by hand', async () => {
    clock.advance(MINUTE);
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'Quiet',
          source: { kind: 'sql', sql: 'SELECT 1 AS value WHERE false' },
          levels: [{ severity: 'warning', threshold: 0 }],
        },
      ],
      clock,
    );
    await deliverAlert(
      ctx.db,
      {
        alertType: 'data_quality',
        severity: 'warning',
        title: 'Data Quality: rows',
        message: 'Found 3 rows issues',
        metadata: { issue_count: 3 },
      },
      { clock },
    );
    clock.advance(1000);
    // Delivered again while open: still one entry, firing since the first delivery.
    await checkAllThresholds(ctx.db, { dataQuality: { rows: 4 } }, { clock, deliver: {} });
    await evaluate();
    const listed = await call('GET', '/alerts');
    const mine = listed.body.alerts.filter((a: { rule: string }) =>
      ['Data Quality: rows', 'Quiet'].includes(a.rule),
    );
    expect(mine.map((a: Record<string, unknown>) => [a.origin, a.rule, a.state, a.value])).toEqual([
      ['threshold', 'Data Quality: rows', 'firing', 4],
      ['rule', 'Quiet', 'nodata', null],
    ]);
    const threshold = mine[0];
    expect(Date.parse(threshold.firingSince)).toBe(clock.now() - MINUTE - 1000);

    const passed = await checkAllThresholds(ctx.db, { dataQuality: { rows: 0 } }, { clock, deliver: {} });
    expect(passed.resolved).toEqual(['Data Quality: rows']);
    const firingNow = await listAlertInstances(ctx.db, { now: clock.now() });
    expect(firingNow.some((a) => a.rule === 'Data Quality: rows')).toBe(false);
    const resolved = await listAlertInstances(ctx.db, { states: ['resolved'], now: clock.now() });
    expect(resolved.find((a) => a.rule === 'Data Quality: rows')).toMatchObject({
      origin: 'threshold',
      state: 'resolved',
    });

    // Raised again: a new episode, resolved by hand through the route; rule alerts refuse it.
    clock.advance(1000);
    const again = await deliverAlert(
      ctx.db,
      {
        alertType: 'data_quality',
        severity: 'critical',
        title: 'Data Quality: rows',
        message: 'Found 20',
        metadata: {},
      },
      { clock },
    );
    expect(
      (await listAlertInstances(ctx.db, { now: clock.now() })).find((a) => a.rule === 'Data Quality: rows')
        ?.alertId,
    ).toBe(again.id);
    const byHand = await call('POST', `/alerts/${again.id}/resolve`, {});
    expect(byHand.status).toBe(200);
    expect(Date.parse(byHand.body.alert.resolvedAt)).toBe(clock.now());
    expect((await call('POST', `/alerts/${again.id}/resolve`, {})).status).toBe(200);
    await saveAlertRules(
      ctx.db,
      [
        {
          name: 'Loud',
          source: { kind: 'sql', sql: 'SELECT 9 AS value' },
          levels: [{ severity: 'info', threshold: 1 }],
        },
      ],
      clock,
    );
    await evaluate();
    const loud = (await listAlertInstances(ctx.db, { now: clock.now() })).find((a) => a.rule === 'Loud')!;
    const refused = await call('POST', `/alerts/${loud.alertId}/resolve`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /comes from rule "Loud": it resolves when the rule's condition clears/,
    );
    expect((await call('POST', '/alerts/999999/resolve', {})).status).toBe(404);
  });
});
