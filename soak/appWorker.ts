import { ConflictError } from '../src/errors.js';
import {
  MetricsCollector,
  openDatabase,
  setupTracing,
  TracingContext,
  WorkflowStateTracker,
} from '../src/index.js';
import { clockFromEnv } from './offsetClock.js';
import { reasonOf, retryUntil } from './retryUntil.js';
import type { AppReport } from './soakTypes.js';

/**
 * One application process of the soak: orders traced with TracingContext (two spans each), counted
 * and timed with MetricsCollector, and tracked as workflows (create + three transitions). It counts
 * everything it produced; the library's own stats count what its bounded queues dropped.
 */
const proc = process.env.SOAK_PROC ?? `app-${process.pid}`;
const ordersPerSecond = Number(process.env.SOAK_ORDERS_PER_SECOND ?? 20);
const spanQueue = Number(process.env.SOAK_SPAN_QUEUE ?? 500);
const metricQueue = Number(process.env.SOAK_METRIC_QUEUE ?? 2_000);
const clock = clockFromEnv();

const db = await openDatabase({
  databaseUrl: process.env.SOAK_DATABASE_URL,
  schema: process.env.SOAK_SCHEMA,
  poolSize: 4,
  logLevel: 'error',
});
const tracing = await setupTracing({
  serviceName: proc,
  db,
  processor: { maxQueueSize: spanQueue, flushIntervalMs: 250, retry: { baseMs: 100, maxMs: 1_000 } },
});
const metrics = new MetricsCollector({
  db,
  clock,
  flushIntervalMs: 0,
  maxPendingRows: metricQueue,
  retry: { baseMs: 200, maxMs: 1_000 },
});
const orders = metrics.createCounter('soak_orders', { description: 'orders processed by a soak app' });
const latency = metrics.createHistogram('soak_order_ms', { unit: 'ms' });
const queueDepth = metrics.createGauge('soak_span_queue');
const tracker = new WorkflowStateTracker(db, { clock, actor: proc });

const report: AppReport = {
  proc,
  spans: { produced: 0, stats: tracing.stats() },
  metricRows: { produced: 0, stats: metrics.stats() },
  workflowOps: { produced: 0, acknowledged: 0, givenUp: {} },
  maxRssBytes: 0,
  maxHeapBytes: 0,
  maxSpanQueue: 0,
  maxMetricPending: 0,
  bounds: { spanQueue, metricQueue },
};

const labels = { proc };
const isFinal = (error: unknown) =>
  error instanceof ConflictError || (error as Error).name === 'ValidationError';

/** One workflow write, retried through outages with the same idempotency key (exactly once). */
async function workflowOp(op: () => Promise<unknown>): Promise<boolean> {
  report.workflowOps.produced++;
  const outcome = await retryUntil(op, { deadlineMs: 90_000, delayMs: 250, isFinal });
  if (outcome.ok) {
    report.workflowOps.acknowledged++;
    return true;
  }
  report.workflowOps.givenUp[outcome.reason] = (report.workflowOps.givenUp[outcome.reason] ?? 0) + 1;
  return false;
}

async function order(n: number): Promise<void> {
  const started = performance.now();
  await TracingContext.run('soak order', { 'soak.order': n }, async () => {
    report.spans.produced += 2; // this span and its child, both ended whatever happens
    TracingContext.run('soak validate', () => {});
    const workflowId = crypto.randomUUID();
    let created = false;
    const createdOk = await workflowOp(async () => {
      try {
        await tracker.createWorkflow({ workflowId, workflowType: 'soak_order', metadata: { proc } });
      } catch (error) {
        // A retry after a create whose reply was lost: the workflow is there, which is what we wanted.
        if (!(error instanceof ConflictError && created)) throw error;
      } finally {
        created = true;
      }
    });
    if (!createdOk) return;
    for (const [i, step] of (
      [
        { status: 'running', phase: 'charge' },
        { phase: 'ship' },
        { status: 'completed', phase: 'done' },
      ] as const
    ).entries()) {
      const key = `${workflowId}:${i}`;
      if (!(await workflowOp(() => tracker.transition(workflowId, { ...step, idempotencyKey: key })))) return;
    }
  });
  orders.add(1, labels);
  latency.record(performance.now() - started, labels);
}

function sample(): void {
  const memory = process.memoryUsage();
  report.maxRssBytes = Math.max(report.maxRssBytes, memory.rss);
  report.maxHeapBytes = Math.max(report.maxHeapBytes, memory.heapUsed);
  const spans = tracing.stats().queued;
  report.maxSpanQueue = Math.max(report.maxSpanQueue, spans);
  report.maxMetricPending = Math.max(report.maxMetricPending, metrics.stats().pendingRows);
  queueDepth.set(spans, labels);
}

let flushing: Promise<void> | undefined;
const flushTimer = setInterval(() => {
  sample();
  flushing ??= metrics.flush().then((r) => {
    report.metricRows.produced += r.rows;
    flushing = undefined;
  });
}, 1_000);

let stopping = false;
process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

const interval = 1_000 / ordersPerSecond;
let next = Date.now();
for (let n = 0; !stopping; n++) {
  try {
    await order(n);
  } catch (error) {
    // Never expected: instrumentation does not throw; keep the soak going and say so.
    console.error(`${proc}: order failed: ${reasonOf(error)}`);
  }
  next += interval;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  else next = Date.now();
}

clearInterval(flushTimer);
await flushing;
sample();
const last = await metrics.shutdown();
report.metricRows.produced += last.rows;
await tracing
  .shutdown()
  .catch((error: unknown) => console.error(`${proc}: tracing shutdown: ${reasonOf(error)}`));
report.spans.stats = tracing.stats();
report.metricRows.stats = metrics.stats();
await db.close();
process.send?.({ type: 'report', report }, () => process.exit(0));
