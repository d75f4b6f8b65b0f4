import { describe, expect, it } from 'vitest';
import type { AlertRuleDefinition } from '../../../src/alerts/rules/AlertRule.js';
import {
  type EvaluationInput,
  type InstanceState,
  initialInstanceState,
} from '../../../src/alerts/rules/InstanceState.js';
import { nextInstanceState } from '../../../src/alerts/rules/nextInstanceState.js';
import { validateRule } from '../../../src/alerts/rules/validateRule.js';

const MIN = 60_000;

function ruleWith(extra: Partial<AlertRuleDefinition> = {}) {
  return validateRule({
    name: 'cpu',
    source: { kind: 'aggregate', metric: 'cpu', aggregate: 'avg', windowMs: 5 * MIN },
    levels: [
      { severity: 'critical', threshold: 95, resolveThreshold: 90 },
      { severity: 'warning', threshold: 80, resolveThreshold: 75 },
    ],
    ...extra,
  });
}

/** Runs inputs one minute apart and returns the states. */
function run(rule: ReturnType<typeof ruleWith>, inputs: (number | EvaluationInput)[]): InstanceState[] {
  let state = initialInstanceState;
  return inputs.map((input, i) => {
    const next: EvaluationInput = typeof input === 'number' ? { kind: 'value', value: input } : input;
    state = nextInstanceState(state, next, rule, i * MIN);
    return state;
  });
}

describe('alert instance state machine', () => {
  it('fires at once without for, resolves when the condition clears', () => {
    expect(run(ruleWith(), [50, 85, 50]).map((s) => s.state)).toEqual(['inactive', 'firing', 'resolved']);
  });

  it('waits for `for` in pending, and a dip back resets pending', () => {
    const rule = ruleWith({ forMs: 2 * MIN });
    expect(run(rule, [85, 85, 85]).map((s) => s.state)).toEqual(['pending', 'pending', 'firing']);
    expect(run(rule, [85, 50, 85, 85]).map((s) => s.state)).toEqual([
      'pending',
      'inactive',
      'pending',
      'pending',
    ]);
    const states = run(rule, [85, 85, 85]);
    expect(states[2]!.firingSince).toBe(2 * MIN);
    expect(states[2]!.activeSince).toBe(0);
  });

  it('keeps firing for keepFiringForMs after the condition clears', () => {
    const rule = ruleWith({ keepFiringForMs: 2 * MIN });
    expect(run(rule, [85, 50, 50, 50]).map((s) => s.state)).toEqual([
      'firing',
      'firing',
      'firing',
      'resolved',
    ]);
  });

  it('hysteresis: an active level holds until its resolve threshold', () => {
    const states = run(ruleWith(), [96, 92, 89, 77, 74]);
    expect(states.map((s) => [s.state, s.severity])).toEqual([
      ['firing', 'critical'],
      ['firing', 'critical'],
      ['firing', 'warning'],
      ['firing', 'warning'],
      ['resolved', 'warning'],
    ]);
    // Without an active alert the resolve threshold does not fire anything.
    expect(run(ruleWith(), [77])[0]!.state).toBe('inactive');
  });

  it('escalates and de-escalates between severities of one rule', () => {
    expect(run(ruleWith(), [85, 97, 85]).map((s) => s.severity)).toEqual(['warning', 'critical', 'warning']);
  });

  it('no data and errors are their own states and never a recovery', () => {
    const states = run(ruleWith(), [96, { kind: 'nodata' }, { kind: 'error', message: 'boom' }, 96]);
    expect(states.map((s) => s.state)).toEqual(['firing', 'nodata', 'error', 'firing']);
    expect(states[1]!.firingSince).toBe(0);
    expect(states[2]!.error).toBe('boom');
    expect(states[3]!.firingSince).toBe(0);
    expect(states.some((s) => s.state === 'resolved')).toBe(false);
    // Data coming back below the threshold resolves the episode that survived the error.
    expect(run(ruleWith(), [96, { kind: 'error', message: 'x' }, 10]).map((s) => s.state)).toEqual([
      'firing',
      'error',
      'resolved',
    ]);
  });

  it('no-data and error behaviours: ok, alerting, keep_last', () => {
    expect(run(ruleWith({ noData: 'ok' }), [96, { kind: 'nodata' }]).map((s) => s.state)).toEqual([
      'firing',
      'resolved',
    ]);
    const alerting = run(ruleWith({ noData: 'alerting' }), [{ kind: 'nodata' }])[0]!;
    expect([alerting.state, alerting.severity]).toEqual(['firing', 'critical']);
    expect(run(ruleWith({ onError: 'keep_last' }), [96, { kind: 'error', message: 'x' }])[1]!.state).toBe(
      'firing',
    );
    expect(run(ruleWith({ onError: 'alerting' }), [{ kind: 'error', message: 'x' }])[0]!.state).toBe(
      'firing',
    );
  });

  it('a series that disappears counts as the condition clearing (Prometheus semantics)', () => {
    expect(run(ruleWith(), [96, { kind: 'absent' }]).map((s) => s.state)).toEqual(['firing', 'resolved']);
  });

  it('detects flapping from start/stop changes within the window and forgets it later', () => {
    const rule = ruleWith({ flapThreshold: 4, flapWindowMs: 10 * MIN });
    const states = run(rule, [96, 10, 96, 10, 96]);
    expect(states.map((s) => s.flapping)).toEqual([false, false, false, true, true]);
    const calm = nextInstanceState(states[4]!, { kind: 'value', value: 96 }, rule, 30 * MIN);
    expect(calm.flapping).toBe(false);
  });

  it('ignores NaN values', () => {
    expect(run(ruleWith(), [Number.NaN])[0]!.state).toBe('inactive');
  });
});

describe('rule validation', () => {
  it('names the bad field', () => {
    expect(() => ruleWith({ levels: [] })).toThrow(/levels/);
    expect(() => ruleWith({ levels: [{ severity: 'urgent' as never, threshold: 1 }] })).toThrow(/severity/);
    expect(() =>
      ruleWith({ levels: [{ severity: 'warning', threshold: 80, resolveThreshold: 85 }] }),
    ).toThrow(/resolveThreshold/);
    expect(() => ruleWith({ forMs: -1 })).toThrow(/forMs/);
    expect(() => ruleWith({ source: { kind: 'percentile', metric: 'x', p: 2, windowMs: 1 } })).toThrow(
      /source.p/,
    );
    expect(() => ruleWith({ source: { kind: 'sql', sql: '  ' } })).toThrow(/source.sql/);
    expect(() => ruleWith({ source: { kind: 'nope' } as never })).toThrow(/source.kind/);
  });

  it('applies the documented defaults', () => {
    const rule = ruleWith();
    expect(rule).toMatchObject({
      comparison: '>',
      forMs: 0,
      keepFiringForMs: 0,
      intervalMs: 60_000,
      repeatIntervalMs: 4 * 3_600_000,
      noData: 'nodata',
      onError: 'error',
      groupBy: ['alertname'],
    });
  });
});
