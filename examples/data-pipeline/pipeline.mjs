// A batch data pipeline instrumented with pgtel: a workflow moving through load, transform and write,
// each step a span with its duration and row counts as metrics, and the data-quality and performance
// alerts checked at the end. Run it with `node examples/data-pipeline/pipeline.mjs` after `npm run build`.
import { readFile } from 'node:fs/promises';
import {
  createLogger,
  defineWorkflow,
  MetricsCollector,
  migrate,
  openDatabase,
  resolveConfig,
  setupTracing,
  TracingContext,
  WorkflowStateTracker,
} from 'pgtel';
import {
  AlertThresholdChecker,
  deliverAlert,
  notifiersFromConfig,
  resolveThresholdAlert,
  thresholdTitle,
} from 'pgtel/alerts';

const input = process.argv[2] ?? new URL('./sales.csv', import.meta.url);
const targetSchema = process.env.PIPELINE_SCHEMA ?? 'public'; // where the business table lives
const slowLoadMs = Number(process.env.PIPELINE_SLOW_LOAD_MS ?? 0); // simulates a degraded upstream

const config = resolveConfig();
const db = await openDatabase(config);
await migrate(db);
const tracing = await setupTracing({ serviceName: 'sales-pipeline', db });
const metrics = new MetricsCollector({ db });
const rowsCounter = metrics.createCounter('pipeline_rows_total', {
  description: 'Rows per step and outcome',
});
const stepDuration = metrics.createHistogram('pipeline_step_duration_ms', { unit: 'ms' });
const runDuration = metrics.createHistogram('pipeline_run_duration_ms', { unit: 'ms' });

const workflows = new WorkflowStateTracker(db, {
  definitions: {
    'sales.daily_totals': defineWorkflow('sales.daily_totals', {
      phases: {
        load: { next: ['transform'], timeoutMs: 60_000 },
        transform: { next: ['write'], timeoutMs: 60_000 },
        write: { timeoutMs: 60_000 },
      },
      initialPhase: 'load',
    }),
  },
});
const alerts = new AlertThresholdChecker(db);
const notifiers = notifiersFromConfig(config, createLogger(config.logLevel));

/**
 * Delivers the alert of a failed check, or resolves the alert an earlier run raised when the check
 * passes: in `pgtel alerts` and the dashboard it fires until then, like a rule's alert.
 */
async function report(alert, alertType, subject) {
  if (alert) await deliverAlert(db, alert, { notifiers });
  else await resolveThresholdAlert(db, { alertType, title: thresholdTitle(alertType, subject) });
}

/** One traced step: a span named after it, its duration in a histogram. */
function step(name, fn) {
  return TracingContext.run(`pipeline.${name}`, async (span) => {
    const started = performance.now();
    try {
      return await fn(span);
    } finally {
      stepDuration.record(performance.now() - started, { step: name });
    }
  });
}

async function load() {
  if (slowLoadMs > 0) await new Promise((resolve) => setTimeout(resolve, slowLoadMs));
  const [header, ...lines] = (await readFile(input, 'utf8')).trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

function transform(rows) {
  const valid = [];
  const rejected = [];
  for (const row of rows) {
    const amount = Number(row.amount);
    if (!row.region || !Number.isFinite(amount) || amount < 0) rejected.push(row.order_id);
    else valid.push({ day: row.day, region: row.region, amount });
  }
  const totals = new Map();
  for (const { day, region, amount } of valid) {
    const key = `${day}|${region}`;
    totals.set(key, (totals.get(key) ?? 0) + amount);
  }
  return { valid, rejected, totals };
}

async function write(totals) {
  const table = `"${targetSchema.replaceAll('"', '""')}".daily_sales`;
  await db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    day date NOT NULL, region text NOT NULL, amount numeric NOT NULL, PRIMARY KEY (day, region))`);
  for (const [key, amount] of totals) {
    const [day, region] = key.split('|');
    await db.query(
      `INSERT INTO ${table} VALUES ($1, $2, $3)
       ON CONFLICT (day, region) DO UPDATE SET amount = excluded.amount`,
      [day, region, amount],
    );
  }
  return totals.size;
}

const started = performance.now();
let exitCode = 0;
await TracingContext.run('pipeline.run', { 'pipeline.input': String(input) }, async (run) => {
  // The workflow's correlation id is this trace's id: the dashboard links one to the other.
  const wf = await workflows.createWorkflow({
    workflowType: 'sales.daily_totals',
    metadata: { input: String(input) },
  });
  run.setAttribute('workflow.id', wf.workflowId);
  try {
    await workflows.transition(wf.workflowId, { status: 'running', reason: 'batch started' });
    const rows = await step('load', async (span) => {
      const loaded = await load();
      span.setAttribute('rows', loaded.length);
      rowsCounter.add(loaded.length, { step: 'load', outcome: 'ok' });
      return loaded;
    });

    await workflows.transition(wf.workflowId, { phase: 'transform', metadata: { loaded: rows.length } });
    const { valid, rejected, totals } = await step('transform', async (span) => {
      const result = transform(rows);
      span.setAttributes({ 'rows.valid': result.valid.length, 'rows.rejected': result.rejected.length });
      rowsCounter.add(result.valid.length, { step: 'transform', outcome: 'ok' });
      rowsCounter.add(result.rejected.length, { step: 'transform', outcome: 'rejected' });
      return result;
    });
    // The seed's data-quality rule: any rejected row is an alert, critical above 10.
    const quality = alerts.checkDataQuality('invalid_sales_rows', rejected.length, { orderIds: rejected });
    await report(quality, 'data_quality', 'invalid_sales_rows');

    await workflows.transition(wf.workflowId, { phase: 'write', metadata: { valid: valid.length } });
    const written = await step('write', async (span) => {
      const count = await write(totals);
      span.setAttribute('rows', count);
      rowsCounter.add(count, { step: 'write', outcome: 'ok' });
      return count;
    });

    // The seed's performance rule: slower than twice the 7-day median run time is an alert.
    const elapsed = performance.now() - started;
    const slow = await alerts.checkPerformanceDegradation('pipeline_run_duration_ms', elapsed);
    await report(slow, 'performance_degradation', 'pipeline_run_duration_ms');
    runDuration.record(elapsed);

    await workflows.transition(wf.workflowId, { status: 'completed', metadata: { written } });
    console.log(
      `run ${wf.workflowId}: ${rows.length} loaded, ${rejected.length} rejected, ${written} written ` +
        `in ${Math.round(elapsed)} ms`,
    );
  } catch (error) {
    run.recordException(error);
    await workflows.transition(wf.workflowId, { status: 'failed', error: String(error) });
    console.error(`run ${wf.workflowId} failed:`, error);
    exitCode = 1;
  }
});

// A batch job flushes its telemetry before it exits.
await metrics.shutdown();
await tracing.shutdown();
await db.close();
process.exitCode = exitCode;
