import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { pruneWorkflows } from '../../../src/workflows/pruneWorkflows.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const DAY = 86_400_000;

async function count(table: string, ids: string[]): Promise<number> {
  const result = await ctx.db.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${ctx.db.table(table)} WHERE workflow_id = ANY($1::uuid[])`,
    [ids],
  );
  return result.rows[0]!.n;
}

describe('workflow retention', () => {
  it('drops closed workflows past the cutoff with their history, in batches, never touching open ones', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const tracker = new WorkflowStateTracker(ctx.db, { clock });
    const make = async (final: 'completed' | 'failed' | 'cancelled' | 'running' | 'pending') => {
      const wf = await tracker.createWorkflow({ workflowType: 'ret' });
      if (final === 'pending') return wf.workflowId;
      if (final !== 'cancelled') await tracker.transition(wf.workflowId, { status: 'running' });
      if (final !== 'running')
        await tracker.transition(wf.workflowId, { status: final, idempotencyKey: 'end' });
      return wf.workflowId;
    };
    // Closed 60 days before the prune: 5 of each terminal status.
    const old: string[] = [];
    for (const status of ['completed', 'failed', 'cancelled'] as const)
      for (let i = 0; i < 5; i++) old.push(await make(status));
    // Open for 60 days: older than the cutoff but open, so kept.
    const open = [await make('running'), await make('pending')];
    clock.advance(50 * DAY);
    const recent = [await make('completed')];

    clock.advance(10 * DAY);
    const result = await pruneWorkflows(ctx.db, { clock, retentionDays: 30, batchSize: 4 });
    expect(result).toEqual({ workflows: 15, historyEntries: 15 * 3 - 5, batches: 4 });
    expect(await count('workflow_state', old)).toBe(0);
    expect(await count('workflow_history', old)).toBe(0);
    expect(await count('workflow_idempotency', old)).toBe(0);
    expect(await count('workflow_state', [...open, ...recent])).toBe(3);
    expect(await count('workflow_history', open)).toBe(3);
    expect(await pruneWorkflows(ctx.db, { clock, retentionDays: 30 })).toEqual({
      workflows: 0,
      historyEntries: 0,
      batches: 1,
    });
  });

  it('stops after maxBatches and refuses nonsense settings', async () => {
    const clock = new ManualClock('2025-01-01T00:00:00Z');
    const tracker = new WorkflowStateTracker(ctx.db, { clock });
    for (let i = 0; i < 3; i++) {
      const wf = await tracker.createWorkflow({ workflowType: 'ret2' });
      await tracker.transition(wf.workflowId, { status: 'cancelled' });
    }
    clock.advance(40 * DAY);
    expect(await pruneWorkflows(ctx.db, { clock, batchSize: 1, maxBatches: 2 })).toMatchObject({
      workflows: 2,
      batches: 2,
    });
    await expect(pruneWorkflows(ctx.db, { retentionDays: 0 })).rejects.toThrow(ValidationError);
    await expect(pruneWorkflows(ctx.db, { batchSize: 1.5 })).rejects.toThrow(ValidationError);
  });
});
