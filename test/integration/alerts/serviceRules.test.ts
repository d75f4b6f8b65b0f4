import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { deleteAlertRule, listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { validateRule } from '../../../src/alerts/rules/validateRule.js';
import { ValidationError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const MIN = 60_000;
const METRIC = 'http_server_duration_ms';
const ctx = useTestDatabase();
const clock = new ManualClock('2026-04-02T08:00:00Z');
const trace = (n: number) => n.toString(16).padStart(32, 'c');
const SLOW_TRACE = trace(1);
const FAST_OUTLIER = trace(2);

beforeEach(async () => {
  for (const r of await listAlertRules(ctx.db)) await deleteAlertRule(ctx.db, r.rule.name);
  clock.advance(24 * 60 * MIN);
  // Two services, same metric and labels: search is slow, checkout fast with one slow outlier
  // (its exemplar passes the threshold but belongs to checkout's series, not search's).
  const at = new Date(clock.now() - 30_000);
  const exemplar = (traceId: string, value: number) => ({
    trace_id: traceId,
    span_id: traceId.slice(0, 16),
    value,
    observed_at: at.toISOString(),
  });
  await insertMetricRow(ctx.db, {
    name: METRIC,
    type: 'histogram',
    service: 'search',
    resource: { 'deployment.environment': 'prod' },
    labels: { route: '/q' },
    at,
    observations: [700, 800, 900],
    exemplars: [exemplar(SLOW_TRACE, 900)],
  });
  await insertMetricRow(ctx.db, {
    name: METRIC,
    type: 'histogram',
    service: 'checkout',
    resource: { 'deployment.environment': 'prod' },
    labels: { route: '/q' },
    at,
    observations: [10, 10, 10, 10, 10, 10, 10, 10, 10, 950],
    exemplars: [exemplar(FAST_OUTLIER, 950)],
  });
});

function rule(name: string, source: Partial<AlertRuleDefinition['source']>): AlertRuleDefinition {
  return {
    name,
    source: { kind: 'aggregate', metric: METRIC, aggregate: 'avg', windowMs: 5 * MIN, ...source } as never,
    levels: [{ severity: 'critical', threshold: 500 }],
    intervalMs: MIN,
  };
}

async function evaluate(rules: AlertRuleDefinition[]) {
  await saveAlertRules(ctx.db, rules, clock);
  clock.advance(MIN);
  const summary = await evaluateDueRules(ctx.db, { clock, notifiers: [] });
  expect(summary.errors).toEqual([]);
  const { rows } = await ctx.db.query<{ rule_name: string; labels: Record<string, string>; state: string }>(
    `SELECT rule_name, labels, state FROM ${ctx.db.table('alert_instances')} ORDER BY rule_name, fingerprint`,
  );
  return rows.map((r) => ({
    rule: r.rule_name,
    service: r.labels['service.name'] ?? null,
    state: r.state,
  }));
}

async function linkedTraces(ruleName: string): Promise<string[]> {
  const { rows } = await ctx.db.query<{ link_id: string }>(
    `SELECT l.link_id FROM ${ctx.db.table('alert_links')} l JOIN ${ctx.db.table('alerts')} a ON a.id = l.alert_id
      WHERE a.rule_name = $1 AND l.link_kind = 'trace' ORDER BY l.link_id`,
    [ruleName],
  );
  return rows.map((r) => r.link_id);
}

describe('metric rules by service', () => {
  it('a rule grouped by service.name fires only for the slow service, with its own exemplars', async () => {
    const instances = await evaluate([rule('slow-service', { groupBy: ['service.name'] })]);
    // Merged, the two services average (2400 + 1040) / 13 = 265 ms: below the threshold.
    expect(instances.filter((i) => i.state === 'firing')).toEqual([
      { rule: 'slow-service', service: 'search', state: 'firing' },
    ]);
    expect(await linkedTraces('slow-service')).toEqual([SLOW_TRACE]);
    const { rows } = await ctx.db.query<{ labels: Record<string, string> }>(
      `SELECT labels FROM ${ctx.db.table('alerts')} WHERE rule_name = 'slow-service'`,
    );
    expect(rows.map((r) => r.labels['service.name'])).toEqual(['search']);
  });

  it('a service filter reads only that service; a percentile grouped by service.name splits too', async () => {
    const instances = await evaluate([
      rule('checkout-only', { service: 'checkout' }),
      rule('search-only', { service: ['search'], resource: { 'deployment.environment': 'prod' } }),
      rule('merged', {}),
      rule('p50-per-service', { kind: 'percentile', p: 0.5, groupBy: ['service.name'] } as never),
      rule('staging', { resource: { 'deployment.environment': 'staging' } }),
    ]);
    const firing = instances.filter((i) => i.state === 'firing');
    expect(firing).toEqual([
      { rule: 'p50-per-service', service: 'search', state: 'firing' },
      { rule: 'search-only', service: null, state: 'firing' },
    ]);
    expect(instances.find((i) => i.rule === 'staging')?.state).toBe('nodata');
    expect(await linkedTraces('p50-per-service')).toEqual([SLOW_TRACE]);
  });

  it('refuses malformed service and resource filters, naming the field', () => {
    const bad: [Partial<AlertRuleDefinition['source']>, RegExp][] = [
      [{ service: '' }, /source\.service/],
      [{ service: [] }, /source\.service/],
      [{ service: [3] as never }, /source\.service/],
      [{ resource: { region: 1 } as never }, /source\.resource\.region/],
      [{ resource: 'prod' as never }, /source\.resource/],
      [{ kind: 'percentile', p: 0.5, groupBy: ['route'] } as never, /groupBy of a percentile/],
    ];
    for (const [source, message] of bad) {
      expect(() => validateRule(rule('bad', source))).toThrow(ValidationError);
      expect(() => validateRule(rule('bad', source))).toThrow(message);
    }
  });
});
