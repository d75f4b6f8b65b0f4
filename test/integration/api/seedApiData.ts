import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import type { Database } from '../../../src/db/Database.js';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import type { ManualClock } from '../../../src/testing/ManualClock.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const OTHER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const WORKFLOW_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
export const LATENCY_METRIC = 'http_server_duration_ms';
export const ORDERS_METRIC = 'orders_total';

/** The known trace: root > (load order > SELECT orders), (charge card: error). */
export const KNOWN_SPANS = [
  { id: 'a000000000000001', parent: null, op: 'GET /orders', service: 'shop-api', at: 0, ms: 120 },
  {
    id: 'a000000000000002',
    parent: 'a000000000000001',
    op: 'load order',
    service: 'shop-api',
    at: 10,
    ms: 50,
  },
  {
    id: 'a000000000000003',
    parent: 'a000000000000002',
    op: 'SELECT orders',
    service: 'shop-db',
    at: 15,
    ms: 35,
  },
  {
    id: 'a000000000000004',
    parent: 'a000000000000001',
    op: 'charge card',
    service: 'payments',
    at: 65,
    ms: 45,
  },
] as const;

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

function span(
  traceId: string,
  s:
    | (typeof KNOWN_SPANS)[number]
    | { id: string; parent: null; op: string; service: string; at: number; ms: number },
  base: number,
): SpanRow {
  const error = s.op === 'charge card';
  return {
    traceId,
    spanId: s.id,
    parentSpanId: s.parent,
    traceState: null,
    operationName: s.op,
    kind: s.parent === null ? 'server' : 'internal',
    serviceName: s.service,
    startTime: iso(base + s.at),
    endTime: iso(base + s.at + s.ms),
    durationMs: s.ms,
    status: error ? 'error' : 'ok',
    statusMessage: error ? 'card declined' : null,
    attributes: {
      'order.id': '42',
      'http.status_code': error ? 402 : 200,
      note: "it's; DROP TABLE spans; --",
    },
    events: error
      ? [
          {
            name: 'exception',
            time: iso(base + s.at + 40),
            attributes: { 'exception.message': 'card declined' },
            droppedAttributesCount: 0,
          },
        ]
      : [],
    links: [],
    resource: { 'service.name': s.service },
    scope: { name: 'seed' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/**
 * Stores, through pgtel's own library, what the API and dashboard tests look at: the known trace
 * (started 5 minutes before `clock`), an unrelated trace, a latency histogram and an orders counter
 * over the last 10 minutes, a completed workflow with history correlated to the trace, and a firing
 * critical alert. Leaves `clock` where it was.
 */
export async function seedApiData(db: Database, clock: ManualClock): Promise<void> {
  const now = clock.now();
  const traceStart = now - 5 * 60_000;
  const spans = KNOWN_SPANS.map((s) => span(TRACE_ID, s, traceStart));
  spans.push(
    span(
      OTHER_TRACE_ID,
      { id: 'b000000000000001', parent: null, op: 'GET /health', service: 'shop-api', at: 0, ms: 2 },
      now - 8 * 60_000,
    ),
  );
  const written = await writeSpanRows(db, spans);
  if (written.written !== spans.length)
    throw new Error(`seed: ${written.written} of ${spans.length} spans stored`);

  clock.set(now - 10 * 60_000);
  const metrics = new MetricsCollector({
    db,
    clock,
    flushIntervalMs: 60_000,
    logger: createLogger('silent'),
  });
  for (let minute = 0; minute < 10; minute++) {
    for (let i = 1; i <= 20; i++) {
      metrics.histogram(LATENCY_METRIC, i * 10 + minute, { route: '/orders' });
      metrics.histogram(LATENCY_METRIC, i, { route: '/health' });
    }
    metrics.counter(ORDERS_METRIC, minute + 1, { region: minute % 2 ? 'eu' : 'us' });
    clock.advance(60_000);
    await metrics.flush();
  }
  await metrics.shutdown();

  clock.set(traceStart);
  const tracker = new WorkflowStateTracker(db, { clock, actor: 'seed' });
  await tracker.createWorkflow({
    workflowId: WORKFLOW_ID,
    correlationId: TRACE_ID,
    workflowType: 'order_pipeline',
    phase: 'fetch',
  });
  clock.advance(30_000);
  await tracker.transition(WORKFLOW_ID, { status: 'running', phase: 'fetch' });
  clock.advance(45_000);
  await tracker.transition(WORKFLOW_ID, { phase: 'transform', reason: 'fetched 42 orders' });
  clock.advance(60_000);
  await tracker.transition(WORKFLOW_ID, { status: 'completed', phase: 'transform' });

  clock.set(now);
  await saveAlertRules(
    db,
    [
      {
        name: 'HighLatency',
        source: { kind: 'aggregate', metric: LATENCY_METRIC, aggregate: 'max', windowMs: 15 * 60_000 },
        levels: [{ severity: 'critical', threshold: 100 }],
        annotations: { summary: 'latency {{value}} ms' },
      },
    ],
    clock,
  );
  const summary = await evaluateDueRules(db, { clock });
  if (summary.errors.length) throw new Error(`seed: alert evaluation failed: ${summary.errors[0]!.error}`);
}
