import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { generateCorrelationId } from '../../../src/tracing/generateCorrelationId.js';
import { DEFAULT_MAX_METADATA_BYTES } from '../../../src/workflows/metadataJson.js';
import { WorkflowConflictError } from '../../../src/workflows/WorkflowConflictError.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const clock = new ManualClock('2026-03-10T08:00:00Z');
const tracker = () => new WorkflowStateTracker(ctx.db, { clock, actor: 'test-worker' });

async function rowCounts(workflowId: string): Promise<{ history: number; version: number }> {
  const result = await ctx.db.query<{ history: number; version: number }>(
    `SELECT (SELECT count(*) FROM ${ctx.db.table('workflow_history')} WHERE workflow_id = $1) AS history,
            (SELECT version FROM ${ctx.db.table('workflow_state')} WHERE workflow_id = $1) AS version`,
    [workflowId],
  );
  return result.rows[0]!;
}

describe('WorkflowStateTracker: seed-parity API', () => {
  it('creates a pending workflow with the given ids and a "created" history entry', async () => {
    const correlationId = generateCorrelationId();
    const created = await tracker().createWorkflow({
      workflowId: '7d1f3c2a-9b8e-4f6d-a5c4-3b2a1f0e9d8c',
      correlationId,
      workflowType: 'ingest',
      metadata: { source: 's3://bucket/a.csv' },
    });
    expect(created).toMatchObject({
      workflowId: '7d1f3c2a-9b8e-4f6d-a5c4-3b2a1f0e9d8c',
      correlationId,
      workflowType: 'ingest',
      status: 'pending',
      currentPhase: null,
      version: 1,
      metadata: { source: 's3://bucket/a.csv' },
      lastActor: 'test-worker',
      createdAt: new Date(clock.now()),
    });
    expect(await tracker().getWorkflow(created.workflowId)).toEqual(created);
    const history = await tracker().getHistory(created.workflowId);
    expect(history).toEqual([
      expect.objectContaining({
        version: 1,
        event: 'created',
        fromStatus: null,
        toStatus: 'pending',
        actor: 'test-worker',
      }),
    ]);
  });

  it('refuses a duplicate id with an error that says "duplicate", leaving the first intact', async () => {
    const first = await tracker().createWorkflow({ workflowType: 'ingest', metadata: { n: 1 } });
    const error = await tracker()
      .createWorkflow({ workflowId: first.workflowId, workflowType: 'other', metadata: { n: 2 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/duplicate/);
    expect(await tracker().getWorkflow(first.workflowId)).toEqual(first);
    expect(await rowCounts(first.workflowId)).toEqual({ history: 1, version: 1 });
  });

  it('sets phase and status, merges metadata and appends history with actor, reason and error', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'ingest', metadata: { a: 1, keep: true } });
    clock.advance(1_000);
    const running = await t.transition(wf.workflowId, {
      phase: 'extract',
      status: 'running',
      metadata: { a: 2 },
    });
    expect(running).toMatchObject({
      status: 'running',
      currentPhase: 'extract',
      version: 2,
      metadata: { a: 2, keep: true },
    });
    clock.advance(1_000);
    const failed = await t.transition(wf.workflowId, {
      status: 'failed',
      reason: 'upstream down',
      error: 'ECONNREFUSED 10.0.0.1:443',
      actor: 'worker-7',
    });
    expect(failed).toMatchObject({
      status: 'failed',
      currentPhase: 'extract',
      lastError: 'ECONNREFUSED 10.0.0.1:443',
      lastActor: 'worker-7',
      closedAt: new Date(clock.now()),
    });
    const history = await t.getHistory(wf.workflowId);
    expect(history.map((h) => [h.version, h.fromStatus, h.toStatus, h.fromPhase, h.toPhase])).toEqual([
      [1, null, 'pending', null, null],
      [2, 'pending', 'running', null, 'extract'],
      [3, 'running', 'failed', 'extract', 'extract'],
    ]);
    expect(history[1]!.metadata).toEqual({ a: 2 });
    expect(history[2]).toMatchObject({
      reason: 'upstream down',
      error: 'ECONNREFUSED 10.0.0.1:443',
      actor: 'worker-7',
    });
    expect(history[2]!.at.getTime() - history[1]!.at.getTime()).toBe(1_000);
  });

  it('lists newest first, filtered by status and type, and finds by correlation id', async () => {
    const correlationId = generateCorrelationId();
    const t = tracker();
    const made = [];
    for (const type of ['report', 'report', 'export']) {
      clock.advance(10);
      made.push(await t.createWorkflow({ workflowType: type, correlationId }));
    }
    await t.transition(made[0]!.workflowId, { status: 'running' });
    const reports = await t.listWorkflows({ type: 'report' });
    expect(reports.map((w) => w.workflowId)).toEqual([made[1]!.workflowId, made[0]!.workflowId]);
    expect((await t.listWorkflows({ type: 'report', status: 'running' })).map((w) => w.workflowId)).toEqual([
      made[0]!.workflowId,
    ]);
    expect(await t.listWorkflows({ type: 'report', limit: 1 })).toHaveLength(1);
    const found = await t.findByCorrelationId(correlationId.toUpperCase());
    expect(found.map((w) => w.workflowId)).toEqual(made.map((w) => w.workflowId).reverse());
  });
});

describe('WorkflowStateTracker: bad input', () => {
  it('reports unknown ids clearly', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555';
    expect(await tracker().getWorkflow(unknown)).toBeUndefined();
    await expect(tracker().transition(unknown, { status: 'running' })).rejects.toThrow(NotFoundError);
    await expect(tracker().transition(unknown, { status: 'running' })).rejects.toThrow(/not found/);
    await expect(tracker().getHistory(unknown)).rejects.toThrow(NotFoundError);
    await expect(tracker().heartbeat(unknown)).rejects.toThrow(NotFoundError);
    await expect(tracker().getWorkflow('not-a-uuid')).rejects.toThrow(ValidationError);
  });

  it('refuses invalid and all-zero correlation ids without writing anything', async () => {
    const before = await ctx.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${ctx.db.table('workflow_state')}`,
    );
    for (const correlationId of ['00000000000000000000000000000000', 'trace-1', 'z'.repeat(32)]) {
      await expect(tracker().createWorkflow({ workflowType: 'x', correlationId })).rejects.toThrow(
        /Correlation id must be 32 hex characters and not all zeros/,
      );
    }
    await expect(tracker().findByCorrelationId('nope')).rejects.toThrow(ValidationError);
    const after = await ctx.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${ctx.db.table('workflow_state')}`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('refuses metadata that is not JSON-serialisable or over 1 MiB, leaving the workflow unchanged', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x', metadata: { ok: 1 } });
    await expect(
      t.transition(wf.workflowId, { status: 'running', metadata: { cb: () => 1 } }),
    ).rejects.toThrow(/not JSON-serialisable: metadata.cb is a function/);
    const big = { blob: 'x'.repeat(DEFAULT_MAX_METADATA_BYTES) };
    await expect(t.transition(wf.workflowId, { status: 'running', metadata: big })).rejects.toThrow(
      /over the limit of 1048576 bytes/,
    );
    await expect(t.createWorkflow({ workflowType: 'x', metadata: big })).rejects.toThrow(ValidationError);
    expect(await t.getWorkflow(wf.workflowId)).toEqual(wf);
    expect(await rowCounts(wf.workflowId)).toEqual({ history: 1, version: 1 });
  });

  it('refuses illegal transitions naming the current state, and never reopens a terminal workflow', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x' });
    await expect(t.transition(wf.workflowId, { status: 'completed' })).rejects.toThrow(
      /illegal transition pending -> completed .*currently pending \(no phase, version 1\)/,
    );
    await t.transition(wf.workflowId, { status: 'running', phase: 'work' });
    await t.transition(wf.workflowId, { status: 'completed' });
    const error = await t.transition(wf.workflowId, { status: 'running' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowConflictError);
    expect((error as WorkflowConflictError).current).toEqual({
      workflowId: wf.workflowId,
      status: 'completed',
      phase: 'work',
      version: 3,
    });
    expect((error as Error).message).toMatch(/completed is a terminal status and cannot be left/);
    await expect(t.transition(wf.workflowId, { status: 'bogus' as 'running' })).rejects.toThrow(
      /Unknown workflow status/,
    );
    await expect(t.transition(wf.workflowId, {})).rejects.toThrow(/needs a new status, a new phase or both/);
    expect(await rowCounts(wf.workflowId)).toEqual({ history: 3, version: 3 });
  });

  it('refuses a stale expected version', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x' });
    await t.transition(wf.workflowId, { status: 'running', expectedVersion: 1 });
    await expect(t.transition(wf.workflowId, { phase: 'b', expectedVersion: 1 })).rejects.toThrow(
      /expected version 1; it is currently running \(no phase, version 2\)/,
    );
  });
});

describe('WorkflowStateTracker: idempotency keys', () => {
  it('returns the first result to a retried call instead of applying it twice', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x' });
    const first = await t.transition(wf.workflowId, {
      status: 'running',
      phase: 'a',
      idempotencyKey: 'step-1',
    });
    clock.advance(5);
    await t.transition(wf.workflowId, { phase: 'b' });
    const retried = await t.transition(wf.workflowId, {
      status: 'running',
      phase: 'a',
      idempotencyKey: 'step-1',
    });
    expect(retried).toEqual(first);
    expect(await rowCounts(wf.workflowId)).toEqual({ history: 3, version: 3 });
    expect((await t.getHistory(wf.workflowId))[1]!.idempotencyKey).toBe('step-1');
  });

  it('returns the first result even after the workflow closed, and refuses a key reused for another request', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x' });
    await t.transition(wf.workflowId, { status: 'running' });
    const done = await t.transition(wf.workflowId, { status: 'completed', idempotencyKey: 'finish' });
    expect(await t.transition(wf.workflowId, { status: 'completed', idempotencyKey: 'finish' })).toEqual(
      done,
    );
    await expect(t.transition(wf.workflowId, { status: 'failed', idempotencyKey: 'finish' })).rejects.toThrow(
      /Idempotency key "finish" was already used .* for a different transition/,
    );
  });

  it('lets concurrent retries of one keyed call all get the single result', async () => {
    const t = tracker();
    const wf = await t.createWorkflow({ workflowType: 'x' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.transition(wf.workflowId, { status: 'running', idempotencyKey: 'start' }),
      ),
    );
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await rowCounts(wf.workflowId)).toEqual({ history: 2, version: 2 });
  });
});
