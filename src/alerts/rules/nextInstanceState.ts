import type { AlertRule, RuleLevel } from './AlertRule.js';
import type { EvaluationInput, InstanceState } from './InstanceState.js';
import { matchSeverity } from './matchSeverity.js';

type Timing = Pick<
  AlertRule,
  | 'levels'
  | 'comparison'
  | 'forMs'
  | 'keepFiringForMs'
  | 'noData'
  | 'onError'
  | 'flapThreshold'
  | 'flapWindowMs'
>;

function withFlapping(prev: InstanceState, next: InstanceState, rule: Timing, now: number): InstanceState {
  const toggled = (prev.firingSince === null) !== (next.firingSince === null);
  const changes = [...prev.stateChanges, ...(toggled ? [now] : [])].filter(
    (t) => now - t < rule.flapWindowMs,
  );
  return { ...next, stateChanges: changes, flapping: changes.length >= rule.flapThreshold };
}

function applyCondition(
  prev: InstanceState,
  level: RuleLevel | null,
  value: number | null,
  rule: Timing,
  now: number,
): InstanceState {
  const base = { ...prev, value, error: null };
  if (level) {
    const held = { ...base, severity: level.severity, lastConditionAt: now, keepFiringSince: null };
    if (prev.firingSince !== null) return { ...held, state: 'firing' };
    const activeSince = prev.state === 'pending' && prev.activeSince !== null ? prev.activeSince : now;
    return now - activeSince >= rule.forMs
      ? { ...held, state: 'firing', activeSince, firingSince: now, resolvedAt: null }
      : { ...held, state: 'pending', activeSince };
  }
  if (prev.firingSince !== null) {
    const clearedSince = prev.keepFiringSince ?? now;
    if (now - clearedSince < rule.keepFiringForMs)
      return { ...base, state: 'firing', keepFiringSince: clearedSince };
    return {
      ...base,
      state: 'resolved',
      firingSince: null,
      activeSince: null,
      keepFiringSince: null,
      resolvedAt: now,
    };
  }
  if (prev.state === 'resolved' || prev.state === 'inactive') return { ...base, state: prev.state };
  return { ...base, state: 'inactive', activeSince: null };
}

/**
 * The state machine of one alert instance (Prometheus `for`/`keep_firing_for`, Grafana no-data and
 * error handling): inactive -> pending -> firing -> resolved. No data and errors enter their own states
 * and keep the firing episode, so they never look like a recovery. Pure; `now` in ms.
 */
export function nextInstanceState(
  prev: InstanceState,
  input: EvaluationInput,
  rule: Timing,
  now: number,
): InstanceState {
  const alerting = rule.levels[0]!;
  let next: InstanceState;
  if (input.kind === 'value') {
    const active = prev.firingSince !== null || prev.state === 'pending' ? prev.severity : null;
    next = applyCondition(prev, matchSeverity(rule, input.value, active), input.value, rule, now);
  } else if (input.kind === 'absent') {
    next = applyCondition(prev, null, null, rule, now);
  } else {
    const behaviour = input.kind === 'nodata' ? rule.noData : rule.onError;
    const error = input.kind === 'error' ? input.message : null;
    if (behaviour === 'keep_last') return { ...prev, error };
    if (behaviour === 'ok') next = applyCondition(prev, null, null, rule, now);
    else if (behaviour === 'alerting') next = { ...applyCondition(prev, alerting, null, rule, now), error };
    else next = { ...prev, state: input.kind, value: null, activeSince: null, error };
  }
  return withFlapping(prev, next, rule, now);
}
