import { describe, expect, it } from 'vitest';
import { maintainPartitions } from '../../../src/schema/PartitionManager.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const SECOND = 1_000;

describe('workflow views and partitions', () => {
  it('derives phase durations from history, an open phase counting up to now', async () => {
    const clock = new ManualClock('2026-02-01T00:00:00Z');
    const tracker = new WorkflowStateTracker(ctx.db, { clock });
    const wf = await tracker.createWorkflow({ workflowType: 'etl', phase: 'queued' });
    clock.advance(5 * SECOND);
    await tracker.transition(wf.workflowId, { status: 'running', phase: 'extract' });
    clock.advance(10 * SECOND);
    await tracker.transition(wf.workflowId, { metadata: { rows: 1 }, phase: 'extract' });
    clock.advance(20 * SECOND);
    await tracker.transition(wf.workflowId, { phase: 'load' });
    clock.advance(7 * SECOND);
    expect(
      (await tracker.phaseDurations(wf.workflowId)).map((p) => [p.phase, p.durationMs, p.leftAt]),
    ).toEqual([
      ['queued', 5 * SECOND, new Date('2026-02-01T00:00:05Z')],
      ['extract', 30 * SECOND, new Date('2026-02-01T00:00:35Z')],
      ['load', 7 * SECOND, null],
    ]);
    await tracker.transition(wf.workflowId, { status: 'completed', phase: 'done' });
    clock.advance(60 * SECOND);
    const durations = await tracker.phaseDurations(wf.workflowId);
    expect(durations.map((p) => [p.phase, p.durationMs])).toEqual([
      ['queued', 5 * SECOND],
      ['extract', 30 * SECOND],
      ['load', 7 * SECOND],
    ]);
    const view = await ctx.db.query<{ phase: string; duration_ms: number }>(
      `SELECT phase, duration_ms FROM ${ctx.db.table('workflow_phase_durations')} WHERE workflow_id = $1 ORDER BY entered_at`,
      [wf.workflowId],
    );
    expect(view.rows).toEqual([
      { phase: 'queued', duration_ms: 5000 },
      { phase: 'extract', duration_ms: 30000 },
      { phase: 'load', duration_ms: 7000 },
    ]);
  });

  it('shows people the state, its age, the deadline, the last actor and the last error', async () => {
    const clock = new ManualClock('2026-02-01T00:00:00Z');
    const tracker = new WorkflowStateTracker(ctx.db, {
      clock,
      definitions: { report: { phases: { render: { timeoutMs: 60 * SECOND } } } },
    });
    const wf = await tracker.createWorkflow({ workflowType: 'report' });
    await tracker.transition(wf.workflowId, { status: 'running', phase: 'render', actor: 'renderer-2' });
    await tracker.transition(wf.workflowId, {
      phase: 'render',
      error: 'font missing, retrying',
      actor: 'renderer-3',
    });
    const result = await ctx.db.query<Record<string, unknown>>(
      `SELECT status, current_phase, age_in_state IS NOT NULL AS has_age, deadline, overdue, last_actor, last_error
         FROM ${ctx.db.table('workflow_overview')} WHERE workflow_id = $1`,
      [wf.workflowId],
    );
    expect(result.rows).toEqual([
      {
        status: 'running',
        current_phase: 'render',
        has_age: true,
        deadline: new Date('2026-02-01T00:01:00Z'),
        // The view judges by the database's clock, long past this manual clock's February.
        overdue: true,
        last_actor: 'renderer-3',
        last_error: 'font missing, retrying',
      },
    ]);
    const counts = await ctx.db.query<{ workflows: number; overdue: number }>(
      `SELECT workflows, overdue FROM ${ctx.db.table('workflow_counts')} WHERE workflow_type = 'report' AND status = 'running'`,
    );
    expect(counts.rows).toEqual([{ workflows: 1, overdue: 1 }]);
  });

  it('keeps history in month partitions managed like the other time-series tables', async () => {
    const registered = await ctx.db.query(
      `SELECT time_column, default_retention_days FROM ${ctx.db.table('partitioned_tables')} WHERE table_name = 'workflow_history'`,
    );
    expect(registered.rows).toEqual([{ time_column: 'at', default_retention_days: 3650 }]);
    const clock = new ManualClock('2031-07-15T00:00:00Z');
    const tracker = new WorkflowStateTracker(ctx.db, { clock });
    // Written before its month exists: lands in the default partition, then is adopted.
    const wf = await tracker.createWorkflow({ workflowType: 'far-future' });
    const where = () =>
      ctx.db.query<{ part: string }>(
        `SELECT tableoid::regclass::text AS part FROM ${ctx.db.table('workflow_history')} WHERE workflow_id = $1`,
        [wf.workflowId],
      );
    expect((await where()).rows[0]!.part).toMatch(/workflow_history_default"?$/);
    await maintainPartitions(ctx.db, { clock });
    expect((await where()).rows[0]!.part).toMatch(/workflow_history_p2031_07"?$/);
    await tracker.transition(wf.workflowId, { status: 'running' });
    expect((await tracker.getHistory(wf.workflowId)).map((h) => h.version)).toEqual([1, 2]);
  });
});
