import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';

const dist = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));
const LOCK_KEY = 424242;

/** Polls `check` (each poll is a query, no timer windows) until it holds, failing after `limit` tries. */
async function until(check: () => Promise<boolean>, what: string, limit = 5_000): Promise<void> {
  for (let i = 0; i < limit; i++) if (await check()) return;
  throw new Error(`gave up waiting for ${what}`);
}

/** A child process that completes the workflow and prints its server backend pid first. */
function transitionInChild(
  schema: string,
  workflowId: string,
): { child: ChildProcess; pid: Promise<number> } {
  const script = `const { openDatabase, WorkflowStateTracker } = await import(${JSON.stringify(dist)});
    const db = await openDatabase({ databaseUrl: ${JSON.stringify(testDatabaseUrl)}, schema: ${JSON.stringify(schema)}, poolSize: 1 });
    // Lets the server notice the dead client while the statement waits, instead of finishing it.
    const r = await db.query("SELECT set_config('client_connection_check_interval', '50', false), pg_backend_pid() AS pid");
    process.stdout.write('pid ' + r.rows[0].pid + '\\n');
    await new WorkflowStateTracker(db, { actor: 'doomed-child' }).transition(${JSON.stringify(workflowId)}, { status: 'completed' });
    process.stdout.write('done\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /pid (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  return { child, pid };
}

describe.skipIf(!onRealServer)('a process killed in the middle of a transition', () => {
  const ctx = useTestDatabase();

  it('leaves no half-written state: the workflow, its history and later transitions stay consistent', async () => {
    const db = ctx.db;
    const tracker = new WorkflowStateTracker(db);
    const wf = await tracker.createWorkflow({ workflowType: 'doomed' });
    await tracker.transition(wf.workflowId, { status: 'running', phase: 'work' });
    // Holds the child's statement after its UPDATE of workflow_state, at its history INSERT.
    await db.exec(`CREATE FUNCTION ${db.table('hold_history')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${LOCK_KEY}); RETURN NEW; END $$`);
    await db.exec(`CREATE TRIGGER hold_history BEFORE INSERT ON ${db.table('workflow_history')}
      FOR EACH ROW WHEN (NEW.actor = 'doomed-child') EXECUTE FUNCTION ${db.table('hold_history')}()`);

    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      locked();
      await released;
    });
    await lockHeld;
    const { child, pid } = transitionInChild(db.schema, wf.workflowId);
    try {
      const backend = await pid;
      await until(async () => {
        const waiting = await db.query(
          `SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted`,
          [backend],
        );
        return waiting.rowCount > 0;
      }, 'the child to block inside its transition');
      // The child's UPDATE has run, uncommitted, and its row lock is held.
      const rowLocks = await db.query(
        `SELECT 1 FROM pg_locks WHERE pid = $1 AND relation = to_regclass($2) AND mode = 'RowExclusiveLock'`,
        [backend, db.table('workflow_state')],
      );
      expect(rowLocks.rowCount).toBe(1);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await until(async () => {
        const alive = await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend]);
        return alive.rowCount === 0;
      }, 'the server to end the dead client’s session');
    } finally {
      child.kill('SIGKILL');
      release();
      await holder;
    }

    const after = (await tracker.getWorkflow(wf.workflowId))!;
    expect(after).toMatchObject({ status: 'running', currentPhase: 'work', version: 2, closedAt: null });
    expect((await tracker.getHistory(wf.workflowId)).map((h) => h.version)).toEqual([1, 2]);
    const done = await tracker.transition(wf.workflowId, { status: 'completed' });
    expect(done.version).toBe(3);
    expect((await tracker.getHistory(wf.workflowId)).map((h) => [h.version, h.toStatus])).toEqual([
      [1, 'pending'],
      [2, 'running'],
      [3, 'completed'],
    ]);
  });
});
