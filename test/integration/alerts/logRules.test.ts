import { describe, expect, it } from 'vitest';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { validateRule } from '../../../src/alerts/rules/validateRule.js';
import { ValidationError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const MIN = 60_000;
const ctx = useTestDatabase();
const clock = new ManualClock('2026-04-02T08:00:00Z');
const TRACE = (n: number) => n.toString(16).padStart(32, 'e');

function rule(name: string, source: object, threshold = 2): AlertRuleDefinition {
  return {
    name,
    source: { kind: 'logs', windowMs: 5 * MIN, ...source } as AlertRuleDefinition['source'],
    levels: [{ severity: 'critical', threshold }],
    intervalMs: MIN,
  };
}

describe('alert rules over log counts', () => {
  it('count matching records in the window, grouped by service or severity, linking their traces', async () => {
    const at = (secondsAgo: number) => new Date(clock.now() + MIN - secondsAgo * 1000);
    await insertLogRows(ctx.db, [
      { at: at(10), body: 'payment timeout', severityNumber: 17, service: 'payments', traceId: TRACE(1) },
      { at: at(20), body: 'payment timeout', severityNumber: 17, service: 'payments', traceId: TRACE(2) },
      { at: at(30), body: 'payment timeout again', severityNumber: 21, service: 'payments' },
      { at: at(40), body: 'search timeout', severityNumber: 17, service: 'search' },
      { at: at(50), body: 'slow but fine', severityNumber: 13, service: 'search' },
      { at: at(60), body: 'all good', severityNumber: 9, service: 'search' },
      // Outside the 5 minute window.
      { at: at(600), body: 'payment timeout', severityNumber: 17, service: 'search' },
    ]);
    await saveAlertRules(
      ctx.db,
      [
        rule('errors-by-service', { severity: 'error', groupBy: ['service.name'] }),
        rule('by-severity', { service: 'payments', groupBy: ['severity'] }, 1),
        rule('timeouts', { q: 'timeout', severity: 17 }, 3),
        rule('quiet', { q: 'nothingmatches' }, 0),
      ],
      clock,
    );
    clock.advance(MIN);
    const summary = await evaluateDueRules(ctx.db, { clock, notifiers: [] });
    expect(summary.errors).toEqual([]);
    const { rows } = await ctx.db.query<{
      rule_name: string;
      labels: Record<string, string>;
      state: string;
      value: number;
    }>(
      `SELECT rule_name, labels, state, value FROM ${ctx.db.table('alert_instances')} ORDER BY rule_name, fingerprint`,
    );
    const instances = rows.map((r) => ({
      rule: r.rule_name,
      labels: r.labels,
      state: r.state,
      value: r.value,
    }));
    const strip = (labels: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(labels).filter(([k]) => k === 'service.name' || k === 'log.severity'),
      );
    expect(
      instances
        .map((i) => ({ ...i, labels: strip(i.labels) }))
        .sort((a, b) =>
          `${a.rule}${JSON.stringify(a.labels)}`.localeCompare(`${b.rule}${JSON.stringify(b.labels)}`),
        ),
    ).toEqual([
      { rule: 'by-severity', labels: { 'log.severity': 'error' }, state: 'firing', value: 2 },
      { rule: 'errors-by-service', labels: { 'service.name': 'payments' }, state: 'firing', value: 3 },
      { rule: 'timeouts', labels: {}, state: 'firing', value: 4 },
    ]);
    // Below their thresholds (search's 1 error, the 1 fatal payment, "quiet"'s 0 records) nothing is
    // kept; an empty window without groupBy is the value 0, which a `<` rule compares.
    clock.advance(MIN);
    await saveAlertRules(ctx.db, [{ ...rule('quiet', { q: 'nothingmatches' }, 1), comparison: '<' }], clock);
    clock.advance(MIN);
    expect((await evaluateDueRules(ctx.db, { clock, notifiers: [] })).errors).toEqual([]);
    const quiet = await ctx.db.query<{ state: string; value: number }>(
      `SELECT state, value FROM ${ctx.db.table('alert_instances')} WHERE rule_name = 'quiet'`,
    );
    expect(quiet.rows).toEqual([{ state: 'firing', value: 0 }]);
    const { rows: links } = await ctx.db.query<{ link_id: string }>(
      `SELECT DISTINCT l.link_id FROM ${ctx.db.table('alert_links')} l JOIN ${ctx.db.table('alerts')} a ON a.id = l.alert_id
        WHERE a.rule_name = 'errors-by-service' AND l.link_kind = 'trace' ORDER BY 1`,
    );
    expect(links.map((l) => l.link_id)).toEqual([TRACE(1), TRACE(2)]);
  });

  it('refuses malformed log sources, naming the field', () => {
    const bad: [object, RegExp][] = [
      [{ windowMs: 0 }, /source\.windowMs/],
      [{ severity: 'loud' }, /source\.severity must be one of/],
      [{ severity: 99 }, /source\.severity/],
      [{ service: '' }, /source\.service/],
      [{ q: 3 }, /source\.q/],
      [{ groupBy: ['route'] }, /source\.groupBy: of a logs source may list only/],
    ];
    for (const [source, message] of bad) {
      expect(() => validateRule(rule('bad', source))).toThrow(ValidationError);
      expect(() => validateRule(rule('bad', source))).toThrow(message);
    }
  });
});
