import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CurrentState, planEntry, planTransition } from '../../../src/workflows/planTransition.js';
import { WorkflowConflictError } from '../../../src/workflows/WorkflowConflictError.js';
import {
  defaultLifecycle,
  isTerminalStatus,
  WORKFLOW_STATUSES,
  type WorkflowDefinition,
} from '../../../src/workflows/WorkflowDefinition.js';

const definition: WorkflowDefinition = {
  phases: { a: { next: ['b'], timeoutMs: 1_000 }, b: { next: ['a', 'c'], heartbeatTimeoutMs: 500 }, c: {} },
  initialPhase: 'a',
};
const nextOf = (phase: string | null) => (phase === null ? undefined : definition.phases?.[phase]?.next);
const request = fc.record({
  status: fc.constantFrom(...WORKFLOW_STATUSES),
  phase: fc.constantFrom('a', 'b', 'c'),
  afterMs: fc.integer({ min: 0, max: 5_000 }),
});

describe('transition rules under random request sequences', () => {
  it('follow the lifecycle, never leave a terminal status and keep the time columns consistent', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), (requests) => {
        let now = Date.parse('2026-01-01T00:00:00Z');
        const entry = planEntry(definition, 't', 'pending', 'a', new Date(now));
        let state: CurrentState = {
          workflowId: '0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b',
          status: entry.status,
          currentPhase: entry.phase,
          version: 1,
          phaseEnteredAt: entry.phaseEnteredAt,
          deadlineAt: entry.deadlineAt,
          heartbeatTimeoutMs: entry.heartbeatTimeoutMs,
        };
        for (const r of requests) {
          now += r.afterMs;
          const before = state;
          let plan: ReturnType<typeof planTransition>;
          try {
            plan = planTransition(definition, 't', before, r, new Date(now));
          } catch (error) {
            expect(error).toBeInstanceOf(WorkflowConflictError);
            const legal =
              !isTerminalStatus(before.status) &&
              defaultLifecycle[before.status].includes(r.status) &&
              (r.phase === before.currentPhase || (nextOf(before.currentPhase)?.includes(r.phase) ?? true));
            expect(legal).toBe(false);
            continue;
          }
          expect(isTerminalStatus(before.status)).toBe(false);
          expect(defaultLifecycle[before.status]).toContain(plan.status);
          if (plan.phase !== before.currentPhase)
            expect(nextOf(before.currentPhase) ?? [plan.phase]).toContain(plan.phase);
          expect(plan.closedAt !== null).toBe(isTerminalStatus(plan.status));
          if (isTerminalStatus(plan.status)) expect(plan.dueAt).toBeNull();
          if (plan.dueAt) expect(plan.dueAt.getTime()).toBeGreaterThan(plan.phaseEnteredAt.getTime());
          const moved = plan.status !== before.status || plan.phase !== before.currentPhase;
          expect(plan.phaseEnteredAt.getTime()).toBe(moved ? now : before.phaseEnteredAt.getTime());
          state = {
            ...before,
            status: plan.status,
            currentPhase: plan.phase,
            version: before.version + 1,
            phaseEnteredAt: plan.phaseEnteredAt,
            deadlineAt: plan.deadlineAt,
            heartbeatTimeoutMs: plan.heartbeatTimeoutMs,
          };
        }
      }),
      { numRuns: 300 },
    );
  });
});
