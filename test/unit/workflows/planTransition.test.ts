import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../../src/errors.js';
import {
  type CurrentState,
  changesNothing,
  dueAt,
  planEntry,
  planTransition,
} from '../../../src/workflows/planTransition.js';
import { WorkflowConflictError } from '../../../src/workflows/WorkflowConflictError.js';
import {
  defaultLifecycle,
  defineWorkflow,
  isTerminalStatus,
  WORKFLOW_STATUSES,
  type WorkflowDefinition,
  type WorkflowStatus,
} from '../../../src/workflows/WorkflowDefinition.js';

const t0 = new Date('2026-01-15T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function at(
  status: WorkflowStatus,
  phase: string | null = null,
  extra: Partial<CurrentState> = {},
): CurrentState {
  return {
    workflowId: '0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b',
    status,
    currentPhase: phase,
    version: 3,
    phaseEnteredAt: t0,
    deadlineAt: null,
    heartbeatTimeoutMs: null,
    ...extra,
  };
}

const etl = defineWorkflow('etl', {
  initialPhase: 'queued',
  phases: {
    queued: { next: ['extract'] },
    extract: { next: ['load'], timeoutMs: 60_000, heartbeatTimeoutMs: 10_000 },
    load: { next: [] },
  },
  heartbeatTimeoutMs: 30_000,
});

describe('default lifecycle', () => {
  it('allows pending -> running -> completed | failed | cancelled and phase changes in between', () => {
    for (const [from, to] of [
      ['pending', 'running'],
      ['pending', 'cancelled'],
      ['running', 'running'],
      ['running', 'completed'],
      ['running', 'failed'],
      ['running', 'cancelled'],
    ] as const) {
      expect(planTransition({}, 'any', at(from), { status: to, phase: 'x' }, later(1)).status).toBe(to);
    }
  });

  it('refuses to leave a terminal status, naming the current state', () => {
    for (const terminal of ['completed', 'failed', 'cancelled'] as const) {
      for (const to of WORKFLOW_STATUSES) {
        const attempt = () =>
          planTransition({}, 'any', at(terminal, 'done'), { status: to, phase: 'done' }, t0);
        expect(attempt).toThrow(WorkflowConflictError);
        expect(attempt).toThrow(`currently ${terminal} (phase "done", version 3)`);
      }
    }
  });

  it('refuses skipping running and going back to pending', () => {
    expect(() => planTransition({}, 'x', at('pending'), { status: 'completed', phase: null }, t0)).toThrow(
      /illegal transition pending -> completed .*currently pending/,
    );
    expect(() => planTransition({}, 'x', at('running'), { status: 'pending', phase: null }, t0)).toThrow(
      /illegal transition running -> pending/,
    );
  });

  it('marks exactly completed, failed and cancelled as terminal, with no way out', () => {
    expect(WORKFLOW_STATUSES.filter(isTerminalStatus)).toEqual(['completed', 'failed', 'cancelled']);
    for (const s of WORKFLOW_STATUSES) expect(defaultLifecycle[s].length === 0).toBe(isTerminalStatus(s));
  });
});

describe('per-type definitions', () => {
  it('refuses unknown phases and phase moves the definition does not list', () => {
    expect(() =>
      planTransition(etl, 'etl', at('running', 'queued'), { status: 'running', phase: 'nope' }, t0),
    ).toThrow(ValidationError);
    expect(() =>
      planTransition(etl, 'etl', at('running', 'queued'), { status: 'running', phase: 'load' }, t0),
    ).toThrow(/illegal phase change "queued" -> "load" \(allowed: extract\)/);
    expect(
      planTransition(etl, 'etl', at('running', 'queued'), { status: 'running', phase: 'extract' }, t0).phase,
    ).toBe('extract');
  });

  it('uses its own status moves instead of the default lifecycle', () => {
    const strict: WorkflowDefinition = defineWorkflow('strict', {
      statuses: { pending: ['running'], running: ['completed'] },
    });
    expect(() =>
      planTransition(strict, 'strict', at('pending'), { status: 'cancelled', phase: null }, t0),
    ).toThrow(/allowed: running/);
    expect(
      planTransition(strict, 'strict', at('running'), { status: 'completed', phase: null }, t0).closedAt,
    ).toEqual(t0);
  });

  it('rejects definitions that leave terminal statuses, name unknown phases or bad timeouts', () => {
    expect(() => defineWorkflow('a', { statuses: { completed: ['running'] } })).toThrow(ConfigError);
    expect(() => defineWorkflow('b', { statuses: { running: ['done' as WorkflowStatus] } })).toThrow(
      /unknown status "done"/,
    );
    expect(() => defineWorkflow('c', { phases: { a: { next: ['b'] } } })).toThrow(/unknown phase "b"/);
    expect(() => defineWorkflow('d', { phases: { a: {} }, initialPhase: 'z' })).toThrow(/initial phase "z"/);
    expect(() => defineWorkflow('e', { timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => defineWorkflow('f', { phases: { a: { heartbeatTimeoutMs: 1.5 } } })).toThrow(
      /heartbeatTimeoutMs/,
    );
  });
});

describe('deadlines and heartbeats', () => {
  it('gives a new phase a fresh deadline and counts silence from phase entry', () => {
    const plan = planTransition(
      etl,
      'etl',
      at('running', 'queued'),
      { status: 'running', phase: 'extract' },
      t0,
    );
    expect(plan.phaseEnteredAt).toEqual(t0);
    expect(plan.heartbeatAt).toBeNull();
    expect(plan.deadlineAt).toEqual(later(60_000));
    expect(plan.heartbeatTimeoutMs).toBe(10_000);
    expect(plan.dueAt).toEqual(later(10_000));
  });

  it('falls back to the type-wide heartbeat limit and has no deadline without a timeout', () => {
    const plan = planEntry(etl, 'etl', 'pending', 'queued', t0);
    expect(plan.deadlineAt).toBeNull();
    expect(plan.dueAt).toEqual(later(30_000));
  });

  it('keeps the phase clock on a same-state change and counts it as a heartbeat', () => {
    const current = at('running', 'extract', { deadlineAt: later(60_000), heartbeatTimeoutMs: 10_000 });
    const plan = planTransition(etl, 'etl', current, { status: 'running', phase: 'extract' }, later(5_000));
    expect(plan.phaseEnteredAt).toEqual(t0);
    expect(plan.heartbeatAt).toEqual(later(5_000));
    expect(plan.dueAt).toEqual(later(15_000));
  });

  it('clears every deadline and sets closedAt on a terminal status', () => {
    const plan = planTransition(
      etl,
      'etl',
      at('running', 'extract'),
      { status: 'failed', phase: 'extract' },
      later(1),
    );
    expect(plan).toMatchObject({
      deadlineAt: null,
      heartbeatTimeoutMs: null,
      dueAt: null,
      closedAt: later(1),
    });
  });

  it('takes the earlier of the two limits', () => {
    expect(dueAt(later(100), 50, null, t0)).toEqual(later(50));
    expect(dueAt(later(100), 500, later(10), t0)).toEqual(later(100));
    expect(dueAt(null, null, null, t0)).toBeNull();
  });
});

describe('changesNothing', () => {
  const nothing = { metadata: '{}', error: null };
  it('is true only for an open workflow asked to stay put with nothing to record', () => {
    expect(changesNothing(at('running', 'load'), { status: 'running', phase: 'load' }, nothing)).toBe(true);
    expect(changesNothing(at('pending'), { status: 'pending', phase: null }, nothing)).toBe(true);
    expect(changesNothing(at('running', 'load'), { status: 'running', phase: 'save' }, nothing)).toBe(false);
    expect(changesNothing(at('pending'), { status: 'running', phase: null }, nothing)).toBe(false);
    const withRows = { metadata: '{"rows":1}', error: null };
    expect(changesNothing(at('running'), { status: 'running', phase: null }, withRows)).toBe(false);
    const withError = { metadata: '{}', error: 'timeout' };
    expect(changesNothing(at('running'), { status: 'running', phase: null }, withError)).toBe(false);
    // A closed workflow cannot be left nor re-entered: that stays a conflict.
    expect(changesNothing(at('completed'), { status: 'completed', phase: null }, nothing)).toBe(false);
  });
});
