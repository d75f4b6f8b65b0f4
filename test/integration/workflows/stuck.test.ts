import { describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { ValidationError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { countWorkflows } from '../../../src/workflows/countWorkflows.js';
import { sweepStuckWorkflows } from '../../../src/workflows/sweepStuckWorkflows.js';
import { WorkflowConflictError } from '../../../src/workflows/WorkflowConflictError.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { onRealServer, openTestDatabase, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const SECOND = 1_000;

/** A fresh clock, tracker and workflow type per test, so sweeps only see this test's workflows. */
function setup(type: string) {
  const clock = new ManualClock('2026-05-04T10:00:00Z');
  const tracker = new WorkflowStateTracker(ctx.db, {
    clock,
    definitions: {
      [type]: {
        phases: { extract: { timeoutMs: 60 * SECOND, heartbeatTimeoutMs: 10 * SECOND }, load: {} },
      },
    },
  });
  const sweep = (options: { failStuck?: boolean; db?: Database; batchSize?: number } = {}) =>
    sweepStuckWorkflows(options.db ?? ctx.db, { clock, type, ...options });
  return { clock, tracker, sweep };
}

async function start(tracker: WorkflowStateTracker, type: string) {
  const wf = await tracker.createWorkflow({ workflowType: type });
  return tracker.transition(wf.workflowId, { status: 'running', phase: 'extract' });
}

describe('stuck detection', () => {
  it('counts a workflow that never heartbeats from when it entered the phase', async () => {
    const { clock, tracker, sweep } = setup('never-beats');
    const wf = await start(tracker, 'never-beats');
    expect(wf.dueAt).toEqual(new Date(clock.now() + 10 * SECOND));
    clock.advance(10 * SECOND - 1);
    expect((await sweep()).swept).toEqual([]);
    clock.advance(1);
    expect(await countWorkflows(ctx.db, { clock, type: 'never-beats' })).toMatchObject({
      overdue: 1,
      stuck: 0,
    });
    const { swept, failed } = await sweep();
    expect(failed).toBe(0);
    expect(swept.map((w) => [w.workflowId, w.status, w.stuck, w.stuckSince])).toEqual([
      [wf.workflowId, 'running', true, new Date(clock.now())],
    ]);
    const history = await tracker.getHistory(wf.workflowId);
    expect(history.at(-1)).toMatchObject({
      event: 'stuck',
      version: wf.version,
      toStatus: 'running',
      toPhase: 'extract',
      actor: 'pgtel:sweep',
      error: 'no heartbeat for 10000 ms',
    });
    expect(await countWorkflows(ctx.db, { clock, type: 'never-beats' })).toMatchObject({
      overdue: 0,
      stuck: 1,
    });
    expect((await sweep()).swept).toEqual([]);
  });

  it('pushes the deadline back on heartbeats and clears the stuck mark on a sign of life', async () => {
    const { clock, tracker, sweep } = setup('beats');
    const wf = await start(tracker, 'beats');
    clock.advance(8 * SECOND);
    await tracker.heartbeat(wf.workflowId);
    clock.advance(9 * SECOND);
    expect((await sweep()).swept).toEqual([]);
    clock.advance(SECOND);
    expect((await sweep()).swept.map((w) => w.workflowId)).toEqual([wf.workflowId]);
    const alive = await tracker.heartbeat(wf.workflowId);
    expect(alive).toMatchObject({ stuck: false, stuckSince: null, heartbeatAt: new Date(clock.now()) });
    expect(alive.dueAt).toEqual(new Date(clock.now() + 10 * SECOND));
    expect((await tracker.listWorkflows({ type: 'beats', stuck: true })).length).toBe(0);
  });

  it('marks a workflow past its phase deadline even while it heartbeats', async () => {
    const { clock, tracker, sweep } = setup('deadline');
    const wf = await start(tracker, 'deadline');
    for (let t = 0; t < 11; t++) {
      clock.advance(5 * SECOND);
      await tracker.heartbeat(wf.workflowId);
      expect((await sweep()).swept).toEqual([]);
    }
    clock.advance(5 * SECOND);
    await tracker.heartbeat(wf.workflowId);
    const { swept } = await sweep();
    expect(swept).toHaveLength(1);
    expect((await tracker.getHistory(wf.workflowId)).at(-1)!.error).toBe(
      'phase deadline passed at 2026-05-04T10:01:00Z',
    );
  });

  it('gives a new phase a fresh clock, and phases without limits are never stuck', async () => {
    const { clock, tracker, sweep } = setup('phases');
    const wf = await start(tracker, 'phases');
    clock.advance(9 * SECOND);
    const loading = await tracker.transition(wf.workflowId, { phase: 'load' });
    expect(loading).toMatchObject({ dueAt: null, deadlineAt: null, heartbeatAt: null });
    clock.advance(365 * 86_400 * SECOND);
    expect((await sweep()).swept).toEqual([]);
  });

  it('optionally fails stuck workflows with reason timeout, so a late worker is refused', async () => {
    const { clock, tracker, sweep } = setup('fail');
    const wf = await start(tracker, 'fail');
    clock.advance(11 * SECOND);
    const { swept, failed } = await sweep({ failStuck: true });
    expect(failed).toBe(1);
    expect(swept[0]).toMatchObject({
      status: 'failed',
      version: wf.version + 1,
      lastReason: 'timeout',
      lastError: 'timeout: no heartbeat for 10000 ms',
      lastActor: 'pgtel:sweep',
      closedAt: new Date(clock.now()),
    });
    const history = await tracker.getHistory(wf.workflowId);
    expect(history.slice(-2).map((h) => [h.event, h.version, h.fromStatus, h.toStatus, h.reason])).toEqual([
      ['stuck', wf.version, 'running', 'running', 'stuck'],
      ['transition', wf.version + 1, 'running', 'failed', 'timeout'],
    ]);
    const late = await tracker.transition(wf.workflowId, { status: 'completed' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WorkflowConflictError);
    expect((late as Error).message).toContain('currently failed');
    await expect(tracker.heartbeat(wf.workflowId)).rejects.toThrow(
      /heartbeat refused, the workflow is closed/,
    );
  });

  it('sweeps each workflow exactly once when several processes sweep at the same time', async () => {
    const { clock, tracker, sweep } = setup('many');
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add((await start(tracker, 'many')).workflowId);
    clock.advance(11 * SECOND);
    // On the real server each sweeper has its own pool, as separate processes would.
    const others: Database[] = onRealServer
      ? await Promise.all([1, 2].map(() => openTestDatabase({ schema: ctx.db.schema, migrated: false })))
      : [ctx.db, ctx.db];
    try {
      const drain = async (db: Database) => {
        const seen: string[] = [];
        for (;;) {
          const { swept } = await sweep({ db, batchSize: 7 });
          if (swept.length === 0) return seen;
          seen.push(...swept.map((w) => w.workflowId));
        }
      };
      const results = await Promise.all([drain(ctx.db), ...others.map(drain)]);
      const all = results.flat().filter((id) => ids.has(id));
      expect(all).toHaveLength(60);
      expect(new Set(all)).toEqual(ids);
    } finally {
      if (onRealServer) await Promise.all(others.map((db) => db.close()));
    }
    const stuckEvents = await ctx.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${ctx.db.table('workflow_history')} WHERE event = 'stuck' AND workflow_id = ANY($1::uuid[])`,
      [[...ids]],
    );
    expect(stuckEvents.rows[0]!.n).toBe(60);
    expect((await countWorkflows(ctx.db, { clock, type: 'many' })).stuck).toBe(60);
  });

  it('reports counts by status, stuck and overdue for alert rules, and refuses a bad batch size', async () => {
    const { clock, tracker } = setup('counts');
    await start(tracker, 'counts');
    const done = await start(tracker, 'counts');
    await tracker.transition(done.workflowId, { status: 'completed' });
    await tracker.createWorkflow({ workflowType: 'counts' });
    clock.advance(30 * SECOND);
    expect(await countWorkflows(ctx.db, { clock, type: 'counts' })).toEqual({
      byStatus: { pending: 1, running: 1, completed: 1, failed: 0, cancelled: 0 },
      stuck: 0,
      overdue: 1,
      oldestOpenPhaseAgeMs: 30 * SECOND,
    });
    await expect(sweepStuckWorkflows(ctx.db, { batchSize: 0 })).rejects.toThrow(ValidationError);
  });
});
