// Workflow transitions per second on the real server: pgtel's guarded transition (read, then one
// statement that updates the state and appends history) beside the seed's write path, a bare UPDATE
// with no guard and no history. Measured with one client and with 8 concurrent clients.

import type { Database } from '../src/db/Database.js';
import { toJsonText } from '../src/db/jsonText.js';
import { WorkflowStateTracker } from '../src/workflows/WorkflowStateTracker.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import type { BenchResult } from './harness.js';
import { compareRounds, itemsPerSecond } from './harness.js';

const STEPS = 10;
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);

/** `clients` workers, each driving its own workflows through STEPS transitions. */
async function run(
  clients: number,
  workflowsPerClient: string[][],
  step: (workflowId: string, i: number) => Promise<unknown>,
): Promise<number> {
  const total = clients * workflowsPerClient[0]!.length * STEPS;
  return itemsPerSecond(total, () =>
    Promise.all(
      workflowsPerClient.map(async (ids) => {
        for (const id of ids) for (let i = 0; i < STEPS; i++) await step(id, i);
      }),
    ),
  );
}

async function createMany(tracker: WorkflowStateTracker, clients: number, each: number): Promise<string[][]> {
  const groups: string[][] = [];
  for (let c = 0; c < clients; c++) {
    const ids: string[] = [];
    for (let i = 0; i < each; i++)
      ids.push((await tracker.createWorkflow({ workflowType: 'bench' })).workflowId);
    groups.push(ids);
  }
  return groups;
}

async function measure(db: Database, clients: number, each: number): Promise<[number, number]> {
  const tracker = new WorkflowStateTracker(db);
  const ours = await run(clients, await createMany(tracker, clients, each), (id, i) =>
    tracker.transition(id, { status: 'running', phase: `step-${i}`, metadata: { step: i } }),
  );
  const seedIds = await createMany(tracker, clients, each);
  const state = db.table('workflow_state');
  const seed = await run(clients, seedIds, (id, i) =>
    db.query(
      `UPDATE ${state} SET current_phase = $2, status = 'running', metadata = metadata || $3::jsonb,
              updated_at = now() WHERE workflow_id = $1`,
      [id, `step-${i}`, toJsonText({ step: i })],
    ),
  );
  return [ours, seed];
}

/** Each side's figure per round, over `ROUNDS` alternating rounds, so a burst of load hits both sides alike. */
async function rounds(fn: () => Promise<[number, number]>): Promise<{ ours: number[]; seed: number[] }> {
  const measures = { ours: [] as number[], seed: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const [ours, seed] = await fn();
    measures.ours.push(ours);
    measures.seed.push(seed);
  }
  return measures;
}

export default async function workflowsBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_workflows');
  try {
    await measure(db, 1, 20); // warm-up
    const single = await rounds(() => measure(db, 1, 100));
    const concurrent = await rounds(() => measure(db, 8, 25));
    const baseline = 'bare UPDATE (seed: no guard, no history)';
    return [
      compareRounds(
        'workflows: transitions with history, 1 client',
        'transitions/s',
        single.ours,
        single.seed,
        baseline,
        '>= 0.3',
      ),
      compareRounds(
        'workflows: transitions with history, 8 clients',
        'transitions/s',
        concurrent.ours,
        concurrent.seed,
        baseline,
        '>= 0.3',
      ),
    ];
  } finally {
    await dropBenchDatabase(db);
  }
}
