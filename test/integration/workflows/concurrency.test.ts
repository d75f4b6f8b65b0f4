import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { WorkflowConflictError } from '../../../src/workflows/WorkflowConflictError.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { disposeTestDatabase, openTestDatabase } from '../../helpers/testDatabase.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase({ poolSize: 20 });
});
afterAll(async () => {
  await disposeTestDatabase(db);
});

/** Versions of the workflow's history entries, oldest first. */
async function historyVersions(tracker: WorkflowStateTracker, id: string): Promise<number[]> {
  return (await tracker.getHistory(id)).map((h) => h.version);
}

describe('concurrent transitions on one workflow', () => {
  it('lets exactly one of 50 concurrent callers win; every loser is told the current state', async () => {
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'race' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        tracker.transition(wf.workflowId, { status: 'running', phase: `worker-${i}`, expectedVersion: 1 }),
      ),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason as Error);
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof tracker.transition>>>)
      .value;
    for (const error of losers) {
      expect(error).toBeInstanceOf(WorkflowConflictError);
      expect(error.message).toContain(`currently running (phase "${winner.currentPhase}", version 2)`);
    }
    expect(await historyVersions(tracker, wf.workflowId)).toEqual([1, 2]);
    expect(await tracker.getWorkflow(wf.workflowId)).toEqual(winner);
  });

  it('without an expected version, racing callers still cannot both win: no update is lost', async () => {
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'race' });
    await tracker.transition(wf.workflowId, { status: 'running' });
    // Every loser retries, so the work grows with the square of the callers: 30 keeps it quick.
    const CALLERS = 30;
    let conflicts = 0;
    // Each caller adds its own metadata key and retries after losing, as an optimistic client would.
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, i) => {
        for (;;) {
          try {
            return await tracker.transition(wf.workflowId, {
              phase: `step-${i}`,
              metadata: { [`k${i}`]: i },
            });
          } catch (error) {
            if (!(error instanceof WorkflowConflictError)) throw error;
            conflicts++;
          }
        }
      }),
    );
    const final = (await tracker.getWorkflow(wf.workflowId))!;
    expect(final.version).toBe(CALLERS + 2);
    expect(Object.keys(final.metadata)).toHaveLength(CALLERS);
    const history = await tracker.getHistory(wf.workflowId);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: CALLERS + 2 }, (_, i) => i + 1));
    // Each entry starts where the previous one ended: a chain without gaps or forks.
    for (let i = 1; i < history.length; i++) {
      expect(history[i]!.fromPhase).toBe(history[i - 1]!.toPhase);
      expect(history[i]!.fromStatus).toBe(history[i - 1]!.toStatus);
    }
    expect(new Set(history.slice(2).map((h) => h.toPhase)).size).toBe(CALLERS);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('lets only one of 50 concurrent terminal transitions close the workflow', async () => {
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'race' });
    await tracker.transition(wf.workflowId, { status: 'running' });
    const statuses = ['completed', 'failed', 'cancelled'] as const;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => tracker.transition(wf.workflowId, { status: statuses[i % 3]! })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const final = (await tracker.getWorkflow(wf.workflowId))!;
    for (const o of outcomes) {
      if (o.status === 'rejected') expect((o.reason as Error).message).toContain(`currently ${final.status}`);
    }
    expect(await historyVersions(tracker, wf.workflowId)).toEqual([1, 2, 3]);
  });
});

describe('duplicate same-state transitions', () => {
  it('10 concurrent identical "start" calls all succeed and record exactly one transition', async () => {
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'race' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        tracker.transition(wf.workflowId, { status: 'running', phase: 'work' }),
      ),
    );
    const history = await tracker.getHistory(wf.workflowId);
    expect(history.filter((h) => h.event === 'transition')).toHaveLength(1);
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    for (const result of results)
      expect(result).toMatchObject({ status: 'running', currentPhase: 'work', version: 2 });
    expect((await tracker.getWorkflow(wf.workflowId))?.version).toBe(2);
  });

  it('a repeat is a no-op, but the same state with new metadata, a new phase or an error still records', async () => {
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'race' });
    const started = await tracker.transition(wf.workflowId, { status: 'running' });
    expect(await tracker.transition(wf.workflowId, { status: 'running' })).toEqual(started);
    expect(await tracker.transition(wf.workflowId, { status: 'running', expectedVersion: 2 })).toEqual(
      started,
    );
    await tracker.transition(wf.workflowId, { status: 'running', metadata: { rows: 10 } });
    await tracker.transition(wf.workflowId, { status: 'running', phase: 'load' });
    await tracker.transition(wf.workflowId, { phase: 'load', error: 'retrying after a timeout' });
    expect(await historyVersions(tracker, wf.workflowId)).toEqual([1, 2, 3, 4, 5]);
  });
});
