// Cross-signal questions on a realistic volume (1M spans over 7 days, 20k workflows, 100k metric rows,
// 200 alerts), each answered through the link structures (exemplars, workflow_traces, alert_links)
// beside the same question answered without them, in the same run. Target: every linked query under
// 100 ms (median of 20 runs after a warm-up) on the real server.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../src/db/Database.js';
import { toJsonText } from '../src/db/jsonText.js';
import { alertErrorSpans } from '../src/links/alertErrorSpans.js';
import { alertLinks } from '../src/links/alertLinks.js';
import { alertsOfTrace } from '../src/links/alertsOfTrace.js';
import { alertsOfWorkflow } from '../src/links/alertsOfWorkflow.js';
import { exemplarTraces } from '../src/links/exemplarTraces.js';
import { tracesOfWorkflow } from '../src/links/tracesOfWorkflow.js';
import { workflowsOfTrace } from '../src/links/workflowsOfTrace.js';
import { maintainPartitions } from '../src/schema/PartitionManager.js';
import { SPAN_COLUMNS, type SpanRow, spanRowValues } from '../src/tracing/SpanRow.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { type BenchResult, compare, medianMs } from './harness.js';

const TRACES = 100_000;
const SPANS_PER_TRACE = 10;
const WORKFLOWS = 20_000;
const METRIC_ROWS = 100_000;
const ALERTS = 200;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const TARGET_MS = 100;
const METRIC = 'http_server_duration_ms';

/** Services and their operations; the first is the entry point of every trace. */
const SERVICES: [string, string[]][] = [
  ['gateway', ['GET /orders', 'POST /checkout', 'GET /products', 'GET /cart', 'POST /login']],
  ['orders', ['load order', 'save order', 'list orders']],
  ['payments', ['charge card', 'refund', 'fraud check']],
  ['inventory', ['reserve stock', 'release stock']],
  ['catalog', ['get product', 'search products']],
  ['users', ['load session', 'check password']],
  ['orders-db', ['SELECT orders', 'INSERT orders', 'UPDATE orders']],
  ['email', ['send receipt']],
];
const ROUTES = ['/orders', '/checkout', '/products', '/cart', '/login'];

function log(message: string): void {
  process.stderr.write(`  cross-signal: ${message}\n`);
}

/** Deterministic pseudo-random numbers, so every run seeds the same shape. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

interface Seeded {
  traceIds: string[];
  traceStart: number[];
  workflowIds: string[];
  /** Trace index of each workflow's creating trace. */
  workflowTrace: number[];
  alertIds: number[];
  end: number;
}

/** Root spans at `traceStart`, children spread over the root's duration; ~2% errors. */
async function seedSpans(db: Database, seeded: Seeded, rand: () => number): Promise<void> {
  const workflowOf = new Map<number, string>();
  seeded.workflowTrace.forEach((t, w) => {
    workflowOf.set(t, seeded.workflowIds[w]!);
    workflowOf.set(t + 1, seeded.workflowIds[w]!);
  });
  let batch: unknown[][] = [];
  for (let t = 0; t < TRACES; t++) {
    const traceId = seeded.traceIds[t]!;
    const start = seeded.traceStart[t]!;
    const route = Math.floor(rand() * ROUTES.length);
    const rootMs = 20 + rand() * rand() * 2000;
    const rootId = hex(8);
    const workflowId = workflowOf.get(t);
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      const [service, operations] = s === 0 ? SERVICES[0]! : SERVICES[1 + ((t + s) % (SERVICES.length - 1))]!;
      const operation = s === 0 ? operations[route]! : operations[Math.floor(rand() * operations.length)]!;
      const offset = s === 0 ? 0 : rand() * rootMs * 0.8;
      const ms = s === 0 ? rootMs : rand() * (rootMs - offset);
      const error = rand() < 0.02;
      const row: SpanRow = {
        traceId,
        spanId: s === 0 ? rootId : hex(8),
        parentSpanId: s === 0 ? null : rootId,
        traceState: null,
        operationName: operation,
        kind: s === 0 ? 'server' : 'internal',
        serviceName: service,
        startTime: new Date(start + offset).toISOString(),
        endTime: new Date(start + offset + ms).toISOString(),
        durationMs: ms,
        status: error ? 'error' : 'ok',
        statusMessage: error ? 'failed' : null,
        attributes: {
          'http.route': ROUTES[route],
          'http.status_code': error ? 500 : 200,
          ...(s === 0 && workflowId ? { 'workflow.id': workflowId } : {}),
        },
        events: [],
        links: [],
        resource: { 'service.name': service },
        scope: { name: 'bench' },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      };
      batch.push(spanRowValues(row));
    }
    if (batch.length >= 50_000) {
      await db.copyRows('spans', SPAN_COLUMNS, batch);
      batch = [];
      if ((t + 1) % 20_000 === 0) log(`${((t + 1) * SPANS_PER_TRACE).toLocaleString('en-US')} spans`);
    }
  }
  await db.copyRows('spans', SPAN_COLUMNS, batch);
}

/** Each workflow created in one trace (its correlation id) and moved on in the next trace. */
async function seedWorkflows(db: Database, seeded: Seeded): Promise<void> {
  const state: unknown[][] = [];
  const history: unknown[][] = [];
  for (let w = 0; w < WORKFLOWS; w++) {
    const t = seeded.workflowTrace[w]!;
    const id = seeded.workflowIds[w]!;
    const created = new Date(seeded.traceStart[t]! + 5);
    const moved = new Date(seeded.traceStart[t + 1]! + 5);
    const done = w % 3 === 0;
    state.push([
      id,
      seeded.traceIds[t],
      'order',
      done ? 'shipped' : 'shipping',
      done ? 'completed' : 'running',
      created,
      moved,
      2,
      moved,
      done ? moved : null,
    ]);
    history.push([id, 1, 'created', null, 'pending', null, 'paid', created, seeded.traceIds[t]]);
    history.push([
      id,
      2,
      'transition',
      'pending',
      done ? 'completed' : 'running',
      'paid',
      done ? 'shipped' : 'shipping',
      moved,
      seeded.traceIds[t + 1],
    ]);
  }
  await db.copyRows(
    'workflow_state',
    [
      'workflow_id',
      'correlation_id',
      'workflow_type',
      'current_phase',
      'status',
      'created_at',
      'updated_at',
      'version',
      'phase_entered_at',
      'closed_at',
    ],
    state,
  );
  await db.copyRows(
    'workflow_history',
    [
      'workflow_id',
      'version',
      'event',
      'from_status',
      'to_status',
      'from_phase',
      'to_phase',
      'at',
      'trace_id',
    ],
    history,
  );
}

/** Rows every ~6 s over the week for 5 routes; a fifth carry exemplars of traces of that time. */
async function seedMetrics(db: Database, seeded: Seeded, rand: () => number): Promise<number> {
  const rows: unknown[][] = [];
  let withExemplars = 0;
  const start = seeded.end - WEEK;
  for (let i = 0; i < METRIC_ROWS; i++) {
    const route = i % ROUTES.length;
    const at = start + (i / METRIC_ROWS) * WEEK;
    let exemplars: string | null = null;
    if (rand() < 0.2) {
      withExemplars++;
      const t = Math.min(TRACES - 1, Math.floor(((at - start) / WEEK) * TRACES));
      exemplars = toJsonText(
        [0, 1, 2].map((k) => ({
          trace_id: seeded.traceIds[Math.max(0, t - k * 3)],
          span_id: hex(8),
          value: Math.round(rand() * 2000 * 100) / 100,
          observed_at: new Date(seeded.traceStart[Math.max(0, t - k * 3)]!).toISOString(),
        })),
      );
    }
    rows.push([
      METRIC,
      rand() * 500,
      'histogram',
      new Date(at + 10_000),
      { route: ROUTES[route], method: route === 1 ? 'POST' : 'GET' },
      exemplars,
    ]);
  }
  await db.copyRows(
    'metrics',
    ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels', 'exemplars'],
    rows,
  );
  return withExemplars;
}

/** Alerts across the week, most resolved after 10 minutes; 5 traces and 1 workflow linked to each. */
async function seedAlerts(db: Database, seeded: Seeded): Promise<void> {
  const links: unknown[][] = [];
  for (let a = 0; a < ALERTS; a++) {
    const t = Math.floor((a / ALERTS) * (TRACES - 10));
    const triggered = new Date(seeded.traceStart[t]!);
    const resolved = a % 10 === 9 ? null : new Date(triggered.getTime() + 600_000);
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO ${db.table('alerts')} (alert_type, severity, title, message, triggered_at, fingerprint, rule_name, resolved_at)
       VALUES ('rule', $1, $2, '', $3, $4, $5, $6) RETURNING id`,
      [a % 3 ? 'warning' : 'critical', `alert ${a}`, triggered, `fp-${a % 20}`, `Rule${a % 20}`, resolved],
    );
    const id = Number(rows[0]!.id);
    seeded.alertIds.push(id);
    for (let k = 0; k < 5; k++)
      links.push([id, 'trace', seeded.traceIds[t + k * 2], 100 + k, triggered, triggered]);
    const w = Math.floor((a / ALERTS) * WORKFLOWS);
    links.push([id, 'workflow', seeded.workflowIds[w], null, triggered, triggered]);
  }
  await db.copyRows(
    'alert_links',
    ['alert_id', 'link_kind', 'link_id', 'value', 'first_seen_at', 'last_seen_at'],
    links,
  );
}

async function seed(db: Database): Promise<Seeded> {
  const rand = random(42);
  const end = Date.now();
  const traceStart = Array.from({ length: TRACES }, (_, t) => end - WEEK + (t / TRACES) * WEEK);
  // Every 5th trace creates a workflow, which the next trace moves on.
  const workflowTrace = Array.from({ length: WORKFLOWS }, (_, w) => w * 5);
  const seeded: Seeded = {
    traceIds: Array.from({ length: TRACES }, () => hex(16)),
    traceStart,
    workflowIds: Array.from({ length: WORKFLOWS }, () => randomUUID()),
    workflowTrace,
    alertIds: [],
    end,
  };
  await maintainPartitions(db);
  log(`seeding ${(TRACES * SPANS_PER_TRACE).toLocaleString('en-US')} spans over 7 days...`);
  await seedSpans(db, seeded, rand);
  log(`seeding ${WORKFLOWS.toLocaleString('en-US')} workflows with history...`);
  await seedWorkflows(db, seeded);
  const withExemplars = await seedMetrics(db, seeded, rand);
  log(
    `seeded ${METRIC_ROWS.toLocaleString('en-US')} metric rows, ${withExemplars.toLocaleString('en-US')} with exemplars`,
  );
  await seedAlerts(db, seeded);
  log(`seeded ${ALERTS} alerts with links; ANALYZE...`);
  await db.exec('ANALYZE');
  return seeded;
}

/** The `i`-th of `count` picks spread over `n`. */
const pick = (i: number, n: number, count = 20) => Math.floor(((i % count) + 0.5) * (n / count));

export default async function crossSignalBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_cross_signal');
  try {
    if (db.kind !== 'postgres') {
      log('skipped: needs the real PostgreSQL server (PGlite would take minutes to seed 1M spans)');
      return [];
    }
    const s = await seed(db);
    const spans = db.table('spans');
    const alerts = db.table('alerts');
    const results: BenchResult[] = [];
    const measure = async (
      name: string,
      ours: (i: number) => Promise<unknown>,
      baselineName: string,
      baseline: (i: number) => Promise<unknown>,
    ) => {
      const oursMs = await medianMs(ours);
      const baselineMs = await medianMs(baseline);
      const result = compare(`cross-signal: ${name}`, 'ms (median)', oursMs, baselineMs, baselineName, '');
      results.push({ ...result, target: `pgtel < ${TARGET_MS} ms`, pass: oursMs < TARGET_MS });
      log(`${name}: ${oursMs.toFixed(2)} ms (baseline ${baselineMs.toFixed(2)} ms)`);
    };

    // An hour of a route somewhere in the week.
    const hour = (i: number) => {
      const to = new Date(s.end - pick(i, WEEK - 2 * 3_600_000) - 3_600_000);
      return { from: new Date(to.getTime() - 3_600_000), to };
    };
    await measure(
      'exemplars of a metric, 1 hour, by label',
      (i) => exemplarTraces(db, { metric: METRIC, ...hour(i), labels: { route: ROUTES[i % 5]! } }),
      'slowest root spans of the route in the hour (spans scan)',
      (i) => {
        const { from, to } = hour(i);
        return db.query(
          `SELECT trace_id, span_id, duration_ms FROM ${spans}
            WHERE service_name = 'gateway' AND operation_name = $1 AND start_time >= $2 AND start_time <= $3
            ORDER BY duration_ms DESC LIMIT 10`,
          [SERVICES[0]![1][i % 5], from, to],
        );
      },
    );

    const workflowTraceId = (i: number) => s.traceIds[s.workflowTrace[pick(i, WORKFLOWS)]! + (i % 2)]!;
    await measure(
      'workflows of a trace',
      (i) => workflowsOfTrace(db, workflowTraceId(i)),
      'workflow ids in the span attributes of the trace',
      (i) =>
        db.query(
          `SELECT w.workflow_id, w.workflow_type, w.status FROM ${db.table('workflow_state')} w
            WHERE w.workflow_id IN (SELECT (attributes->>'workflow.id')::uuid FROM ${spans}
                                     WHERE trace_id = $1 AND attributes ? 'workflow.id')`,
          [workflowTraceId(i)],
        ),
    );

    const workflowId = (i: number) => s.workflowIds[pick(i, WORKFLOWS)]!;
    await measure(
      'traces of a workflow',
      (i) => tracesOfWorkflow(db, workflowId(i)),
      'spans whose attributes name the workflow (GIN), grouped by trace',
      (i) =>
        db.query(
          `SELECT s.trace_id, count(*), max(x.end_time) - min(x.start_time)
             FROM (SELECT DISTINCT trace_id FROM ${spans} WHERE attributes @> $1::jsonb) s
             JOIN ${spans} x USING (trace_id) GROUP BY s.trace_id`,
          [toJsonText({ 'workflow.id': workflowId(i) })],
        ),
    );

    const alertTrace = (i: number) => s.traceIds[Math.floor((pick(i, ALERTS) / ALERTS) * (TRACES - 10))]!;
    await measure(
      'alerts of a trace',
      (i) => alertsOfTrace(db, alertTrace(i)),
      'alerts firing when the trace started (time overlap)',
      (i) =>
        db.query(
          `SELECT a.* FROM ${alerts} a, (SELECT min(start_time) AS at FROM ${spans} WHERE trace_id = $1) t
            WHERE t.at >= a.triggered_at - interval '5 minutes' AND t.at <= coalesce(a.resolved_at, now())`,
          [alertTrace(i)],
        ),
    );

    const alertWorkflow = (i: number) => s.workflowIds[Math.floor((pick(i, ALERTS) / ALERTS) * WORKFLOWS)]!;
    await measure(
      'alerts of a workflow (direct and through its traces)',
      (i) => alertsOfWorkflow(db, alertWorkflow(i)),
      'alerts firing during the workflow (time overlap)',
      (i) =>
        db.query(
          `SELECT a.* FROM ${alerts} a, ${db.table('workflow_state')} w
            WHERE w.workflow_id = $1 AND a.triggered_at <= coalesce(w.closed_at, now())
              AND coalesce(a.resolved_at, now()) >= w.created_at`,
          [alertWorkflow(i)],
        ),
    );

    const alertId = (i: number) => s.alertIds[pick(i, ALERTS)]!;
    await measure(
      'links of an alert (traces, workflows)',
      (i) => alertLinks(db, alertId(i)),
      'traces with errors while it fired and their workflows',
      (i) =>
        db.query(
          `WITH t AS (SELECT DISTINCT s.trace_id FROM ${alerts} a JOIN ${spans} s
                        ON s.start_time >= a.triggered_at AND s.start_time <= coalesce(a.resolved_at, now())
                       WHERE a.id = $1 AND s.status = 'error' LIMIT 100)
           SELECT t.trace_id, w.workflow_id FROM t LEFT JOIN ${db.table('workflow_state')} w ON w.correlation_id = t.trace_id`,
          [alertId(i)],
        ),
    );

    await measure(
      'error spans of an alert window',
      (i) => alertErrorSpans(db, alertId(i)),
      'the same grouping without the partial error index',
      (i) =>
        db.query(
          `SELECT s.service_name, s.operation_name, count(*), max(s.duration_ms)
             FROM ${alerts} a JOIN ${spans} s ON s.start_time >= a.triggered_at - interval '5 minutes'
                  AND s.start_time <= coalesce(a.resolved_at, now())
            WHERE a.id = $1 AND s.status || '' = 'error'
            GROUP BY 1, 2 ORDER BY 3 DESC`,
          [alertId(i)],
        ),
    );
    return results;
  } finally {
    await dropBenchDatabase(db);
  }
}
