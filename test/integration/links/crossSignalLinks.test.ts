import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { toJsonText } from '../../../src/db/jsonText.js';
import { NotFoundError, ValidationError } from '../../../src/errors.js';
import { alertErrorSpans } from '../../../src/links/alertErrorSpans.js';
import { alertLinks } from '../../../src/links/alertLinks.js';
import { alertsOfTrace } from '../../../src/links/alertsOfTrace.js';
import { alertsOfWorkflow } from '../../../src/links/alertsOfWorkflow.js';
import { exemplarTraces } from '../../../src/links/exemplarTraces.js';
import { tracesOfWorkflow } from '../../../src/links/tracesOfWorkflow.js';
import { workflowsOfTrace } from '../../../src/links/workflowsOfTrace.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { withRemoteParent } from '../../../src/tracing/propagation.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const clock = new ManualClock(NOW);

// Checkout (creates the workflow), worker (moves it on), a trace whose spans are not stored, and a
// later trace with the same failing operation as checkout.
const CHECKOUT = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c1';
const WORKER = 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d2';
const UNSTORED = 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e3';
const RETRY = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f4';
const OLD_ERRORS = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a5';
const METRIC = 'http_server_duration_ms';
const UNKNOWN_WORKFLOW = '6f1c2d3e-0000-4c7d-8e9f-0a1b2c3d4e5f';

let orderWorkflow: string;
let otherWorkflow: string;
let latencyAlert: number;
let errorAlert: number;
let quietAlert: number;

/** One stored span: `at` and `ms` relative to NOW, in milliseconds. */
function stored(
  traceId: string,
  spanId: string,
  parent: string | null,
  [service, operation]: [string, string],
  at: number,
  ms: number,
  status: SpanRow['status'] = 'ok',
): SpanRow {
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    traceState: null,
    operationName: operation,
    kind: parent ? 'internal' : 'server',
    serviceName: service,
    startTime: new Date(NOW + at).toISOString(),
    endTime: new Date(NOW + at + ms).toISOString(),
    durationMs: ms,
    status,
    statusMessage: status === 'error' ? 'failed' : null,
    attributes: { 'order.id': '42' },
    events: [],
    links: [],
    resource: { 'service.name': service },
    scope: { name: 'links-test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const CHARGE: [string, string] = ['payments', 'charge card'];

async function storeSpans(db: Database): Promise<void> {
  const rows = [
    stored(CHECKOUT, '1000000000000001', null, ['shop-api', 'POST /checkout'], -10 * MIN, 300),
    stored(CHECKOUT, '1000000000000002', '1000000000000001', CHARGE, -10 * MIN + 50, 120, 'error'),
    stored(CHECKOUT, '1000000000000003', '1000000000000001', ['shop-db', 'SELECT cart'], -10 * MIN + 10, 30),
    stored(WORKER, '2000000000000001', null, ['worker', 'process order'], -8 * MIN, 500),
    stored(
      WORKER,
      '2000000000000002',
      '2000000000000001',
      ['worker', 'send email'],
      -8 * MIN + 100,
      80,
      'error',
    ),
    stored(RETRY, '4000000000000001', null, CHARGE, -6 * MIN, 900, 'error'),
    stored(OLD_ERRORS, '5000000000000001', null, CHARGE, -60 * MIN, 40, 'error'),
  ];
  const result = await writeSpanRows(db, rows);
  expect(result.written).toBe(rows.length);
}

async function createWorkflows(db: Database): Promise<void> {
  const tracker = new WorkflowStateTracker(db, { clock, actor: 'links-test' });
  clock.set(NOW - 10 * MIN + 20);
  const created = await withRemoteParent(
    { traceId: CHECKOUT, spanId: '1000000000000001', traceFlags: 1 },
    () => tracker.createWorkflow({ workflowType: 'order', phase: 'paid' }),
  );
  orderWorkflow = created.workflowId;
  expect(created.correlationId).toBe(CHECKOUT);
  clock.set(NOW - 8 * MIN + 200);
  await withRemoteParent({ traceId: WORKER, spanId: '2000000000000001', traceFlags: 1 }, () =>
    tracker.transition(orderWorkflow, { status: 'running', phase: 'shipping' }),
  );
  clock.set(NOW - 7 * MIN);
  await tracker.transition(orderWorkflow, { phase: 'shipped' }); // no trace: no link
  clock.set(NOW - 3 * MIN);
  otherWorkflow = (await tracker.createWorkflow({ workflowType: 'refund' })).workflowId;
  clock.set(NOW);
}

/** An exemplar in the stored JSON form. */
function exemplar(traceId: string, spanId: string, value: number, at: number): object {
  return { trace_id: traceId, span_id: spanId, value, observed_at: new Date(NOW + at).toISOString() };
}

async function storeMetrics(db: Database): Promise<void> {
  const insert = (name: string, labels: object, recordedAt: number, exemplars: object[] | null) =>
    db.query(
      `INSERT INTO ${db.table('metrics')} (metric_name, metric_value, metric_type, recorded_at, labels, exemplars)
       VALUES ($1, 0, 'histogram', $2, $3::jsonb, $4::jsonb)`,
      [name, new Date(NOW + recordedAt), toJsonText(labels), exemplars && toJsonText(exemplars)],
    );
  const checkout = { route: '/checkout', method: 'POST' };
  await insert(METRIC, checkout, -9 * MIN, [
    exemplar(CHECKOUT, '1000000000000001', 300, -10 * MIN + 300),
    exemplar(CHECKOUT, '1000000000000002', 120, -10 * MIN + 170),
    exemplar(UNSTORED, '3000000000000001', 950, -9 * MIN - 5000),
  ]);
  // The same observation reported again in a later row is one exemplar.
  await insert(METRIC, checkout, -8 * MIN, [exemplar(CHECKOUT, '1000000000000001', 300, -10 * MIN + 300)]);
  await insert(METRIC, { route: '/orders', method: 'GET' }, -7 * MIN, [
    exemplar(WORKER, '2000000000000001', 500, -8 * MIN + 500),
  ]);
  await insert(METRIC, checkout, -6 * MIN, null);
  // Observed long before the window the tests ask about, flushed late.
  await insert(METRIC, checkout, -20 * MIN, [exemplar(OLD_ERRORS, '5000000000000001', 9999, -60 * MIN)]);
  await insert('queue_wait_ms', {}, -7 * MIN, [exemplar(WORKER, '2000000000000002', 7000, -8 * MIN + 180)]);
}

async function storeAlerts(db: Database): Promise<void> {
  const alert = async (rule: string, severity: string, at: number, resolvedAt: number | null) => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO ${db.table('alerts')} (alert_type, severity, title, message, triggered_at, fingerprint, rule_name, resolved_at)
       VALUES ('rule', $1, $2, '', $3, $4, $5, $6) RETURNING id`,
      [
        severity,
        `${rule} firing`,
        new Date(NOW + at),
        `fp-${rule}`,
        rule,
        resolvedAt === null ? null : new Date(NOW + resolvedAt),
      ],
    );
    return Number(rows[0]!.id);
  };
  latencyAlert = await alert('HighLatency', 'critical', -9 * MIN, -5 * MIN);
  errorAlert = await alert('WorkerErrors', 'warning', -7 * MIN, null);
  quietAlert = await alert('Quiet', 'info', -2 * MIN, null);
  const link = (alertId: number, kind: string, id: string, value: number | null) =>
    db.query(
      `INSERT INTO ${db.table('alert_links')} (alert_id, link_kind, link_id, value, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [alertId, kind, id, value, new Date(NOW - 9 * MIN), new Date(NOW - 6 * MIN)],
    );
  await link(latencyAlert, 'trace', CHECKOUT, 300);
  await link(latencyAlert, 'trace', UNSTORED, 950);
  await link(latencyAlert, 'workflow', orderWorkflow, null);
  await link(errorAlert, 'trace', WORKER, null);
}

beforeAll(async () => {
  await storeSpans(ctx.db);
  await createWorkflows(ctx.db);
  await storeMetrics(ctx.db);
  await storeAlerts(ctx.db);
});

const window = { from: new Date(NOW - 15 * MIN), to: new Date(NOW) };

describe('exemplarTraces', () => {
  it('lists the exemplars of the window, highest value first, with their stored spans', async () => {
    const found = await exemplarTraces(ctx.db, { metric: METRIC, ...window });
    expect(found.map((e) => [e.traceId, e.spanId, e.value])).toEqual([
      [UNSTORED, '3000000000000001', 950],
      [WORKER, '2000000000000001', 500],
      [CHECKOUT, '1000000000000001', 300],
      [CHECKOUT, '1000000000000002', 120],
    ]);
    expect(found[0]).toMatchObject({
      serviceName: null,
      operationName: null,
      durationMs: null,
      status: null,
    });
    expect(found[1]).toMatchObject({
      serviceName: 'worker',
      operationName: 'process order',
      durationMs: 500,
      status: 'ok',
      labels: { route: '/orders', method: 'GET' },
      observedAt: new Date(NOW - 8 * MIN + 500),
    });
    expect(found[3]).toMatchObject({ operationName: 'charge card', status: 'error', durationMs: 120 });
  });

  it('filters by labels, limits, and bounds by observation time', async () => {
    const checkout = await exemplarTraces(ctx.db, {
      metric: METRIC,
      ...window,
      labels: { route: '/checkout' },
      limit: 2,
    });
    expect(checkout.map((e) => e.value)).toEqual([950, 300]);
    const early = await exemplarTraces(ctx.db, {
      metric: METRIC,
      from: new Date(NOW - 61 * MIN),
      to: new Date(NOW - 30 * MIN),
    });
    expect(early.map((e) => e.traceId)).toEqual([OLD_ERRORS]);
    expect(
      await exemplarTraces(ctx.db, { metric: METRIC, from: new Date(NOW - 5 * MIN), to: new Date(NOW) }),
    ).toEqual([]);
    expect(await exemplarTraces(ctx.db, { metric: 'no_such_metric', ...window })).toEqual([]);
    expect(
      await exemplarTraces(ctx.db, { metric: METRIC, ...window, labels: { route: '/nowhere' } }),
    ).toEqual([]);
  });

  it('refuses bad input', async () => {
    const bad = (options: object) => exemplarTraces(ctx.db, { metric: METRIC, ...window, ...options });
    await expect(bad({ from: window.to, to: window.from })).rejects.toThrow(/from must be before to/);
    await expect(bad({ limit: 101 })).rejects.toThrow(/limit must be a whole number from 1 to 100/);
    await expect(bad({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(bad({ metric: '' })).rejects.toThrow(/metric must be a name/);
    await expect(bad({ from: new Date(Number.NaN) })).rejects.toThrow(/valid Dates/);
    await expect(bad({ labels: { route: 7 } })).rejects.toThrow(/string value/);
  });
});

describe('workflows and traces', () => {
  it('lists the workflows a trace created or changed', async () => {
    const ofCheckout = await workflowsOfTrace(ctx.db, CHECKOUT.toUpperCase());
    expect(ofCheckout).toEqual([
      {
        workflowId: orderWorkflow,
        workflowType: 'order',
        correlationId: CHECKOUT,
        status: 'running',
        currentPhase: 'shipped',
        firstSeenAt: new Date(NOW - 10 * MIN + 20),
        lastSeenAt: new Date(NOW - 10 * MIN + 20),
      },
    ]);
    const ofWorker = await workflowsOfTrace(ctx.db, WORKER);
    expect(ofWorker.map((w) => [w.workflowId, w.correlationId, w.firstSeenAt])).toEqual([
      [orderWorkflow, CHECKOUT, new Date(NOW - 8 * MIN + 200)],
    ]);
    expect(await workflowsOfTrace(ctx.db, RETRY)).toEqual([]);
    await expect(workflowsOfTrace(ctx.db, 'not-a-trace')).rejects.toBeInstanceOf(ValidationError);
    await expect(workflowsOfTrace(ctx.db, '0'.repeat(32))).rejects.toThrow(/32 hex characters/);
  });

  it('lists the traces of a workflow, newest first, with their spans summarised', async () => {
    const traces = await tracesOfWorkflow(ctx.db, orderWorkflow.toUpperCase());
    expect(traces).toEqual([
      {
        traceId: WORKER,
        firstSeenAt: new Date(NOW - 8 * MIN + 200),
        lastSeenAt: new Date(NOW - 8 * MIN + 200),
        rootOperation: 'process order',
        serviceName: 'worker',
        durationMs: 500,
        spanCount: 2,
        errorCount: 1,
      },
      {
        traceId: CHECKOUT,
        firstSeenAt: new Date(NOW - 10 * MIN + 20),
        lastSeenAt: new Date(NOW - 10 * MIN + 20),
        rootOperation: 'POST /checkout',
        serviceName: 'shop-api',
        durationMs: 300,
        spanCount: 3,
        errorCount: 1,
      },
    ]);
    // Its correlation id was generated: no span of that trace is stored.
    const [generated] = await tracesOfWorkflow(ctx.db, otherWorkflow);
    expect(generated).toMatchObject({
      rootOperation: null,
      serviceName: null,
      durationMs: null,
      spanCount: 0,
      errorCount: 0,
    });
    expect(await tracesOfWorkflow(ctx.db, UNKNOWN_WORKFLOW)).toEqual([]);
    await expect(tracesOfWorkflow(ctx.db, '42')).rejects.toThrow(/Workflow id must be a UUID/);
  });
});

describe('alerts of traces and workflows', () => {
  it('lists the alerts linked to a trace', async () => {
    expect(await alertsOfTrace(ctx.db, CHECKOUT)).toEqual([
      {
        alertId: latencyAlert,
        ruleName: 'HighLatency',
        fingerprint: 'fp-HighLatency',
        severity: 'critical',
        title: 'HighLatency firing',
        triggeredAt: new Date(NOW - 9 * MIN),
        resolvedAt: new Date(NOW - 5 * MIN),
        via: 'trace',
      },
    ]);
    expect((await alertsOfTrace(ctx.db, WORKER)).map((a) => a.alertId)).toEqual([errorAlert]);
    expect(await alertsOfTrace(ctx.db, RETRY)).toEqual([]);
    await expect(alertsOfTrace(ctx.db, 'xyz')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists the alerts of a workflow, directly or through its traces, newest first', async () => {
    const alerts = await alertsOfWorkflow(ctx.db, orderWorkflow);
    expect(alerts.map((a) => [a.alertId, a.via])).toEqual([
      [errorAlert, 'trace'],
      [latencyAlert, 'workflow'],
    ]);
    expect(alerts[0]).toMatchObject({ ruleName: 'WorkerErrors', resolvedAt: null, severity: 'warning' });
    expect(await alertsOfWorkflow(ctx.db, otherWorkflow)).toEqual([]);
    expect(await alertsOfWorkflow(ctx.db, UNKNOWN_WORKFLOW)).toEqual([]);
    await expect(alertsOfWorkflow(ctx.db, 'order-1')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('alertLinks', () => {
  it("lists an alert's traces by value and its workflows, direct or through a trace", async () => {
    const links = await alertLinks(ctx.db, latencyAlert);
    expect(links.alert).toMatchObject({
      alertId: latencyAlert,
      ruleName: 'HighLatency',
      severity: 'critical',
    });
    expect(links.alert).not.toHaveProperty('via');
    expect(links.traces).toEqual([
      {
        traceId: UNSTORED,
        value: 950,
        firstSeenAt: new Date(NOW - 9 * MIN),
        lastSeenAt: new Date(NOW - 6 * MIN),
      },
      {
        traceId: CHECKOUT,
        value: 300,
        firstSeenAt: new Date(NOW - 9 * MIN),
        lastSeenAt: new Date(NOW - 6 * MIN),
      },
    ]);
    // Linked directly and through the checkout trace: listed once.
    expect(links.workflows).toEqual([
      {
        workflowId: orderWorkflow,
        workflowType: 'order',
        correlationId: CHECKOUT,
        status: 'running',
        currentPhase: 'shipped',
      },
    ]);
    const viaTrace = await alertLinks(ctx.db, errorAlert);
    expect(viaTrace.traces.map((t) => [t.traceId, t.value])).toEqual([[WORKER, null]]);
    expect(viaTrace.workflows.map((w) => w.workflowId)).toEqual([orderWorkflow]);
    expect(await alertLinks(ctx.db, quietAlert)).toMatchObject({ traces: [], workflows: [] });
  });

  it('refuses an unknown alert and a bad id', async () => {
    await expect(alertLinks(ctx.db, 999_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alertLinks(ctx.db, 0)).rejects.toThrow(/positive whole number/);
    await expect(alertLinks(ctx.db, 1.5)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('alertErrorSpans', () => {
  it('groups the error spans of the firing window by operation, most errors first', async () => {
    const result = await alertErrorSpans(ctx.db, latencyAlert);
    expect(result.from).toEqual(new Date(NOW - 14 * MIN));
    expect(result.to).toEqual(new Date(NOW - 5 * MIN));
    expect(result.operations).toEqual([
      {
        serviceName: 'payments',
        operationName: 'charge card',
        errorCount: 2,
        maxDurationMs: 900,
        traceIds: [RETRY, CHECKOUT],
        firstAt: new Date(NOW - 10 * MIN + 50),
        lastAt: new Date(NOW - 6 * MIN),
      },
      {
        serviceName: 'worker',
        operationName: 'send email',
        errorCount: 1,
        maxDurationMs: 80,
        traceIds: [WORKER],
        firstAt: new Date(NOW - 8 * MIN + 100),
        lastAt: new Date(NOW - 8 * MIN + 100),
      },
    ]);
  });

  it('ends the window of a firing alert at now and honours beforeMs', async () => {
    const firing = await alertErrorSpans(ctx.db, errorAlert, { beforeMs: 0, now: new Date(NOW) });
    expect([firing.from, firing.to]).toEqual([new Date(NOW - 7 * MIN), new Date(NOW)]);
    expect(firing.operations.map((o) => [o.operationName, o.errorCount, o.traceIds])).toEqual([
      ['charge card', 1, [RETRY]],
    ]);
    const wide = await alertErrorSpans(ctx.db, errorAlert, { beforeMs: 3_600_000, now: new Date(NOW) });
    expect(wide.operations.map((o) => [o.operationName, o.errorCount])).toEqual([
      ['charge card', 3],
      ['send email', 1],
    ]);
    expect(
      (await alertErrorSpans(ctx.db, quietAlert, { beforeMs: 0, now: new Date(NOW) })).operations,
    ).toEqual([]);
  });

  it('refuses an unknown alert and bad options', async () => {
    await expect(alertErrorSpans(ctx.db, 999_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alertErrorSpans(ctx.db, -1)).rejects.toBeInstanceOf(ValidationError);
    await expect(alertErrorSpans(ctx.db, latencyAlert, { beforeMs: -5 })).rejects.toThrow(/beforeMs must be/);
    await expect(alertErrorSpans(ctx.db, latencyAlert, { beforeMs: 2 * 86_400_000 })).rejects.toThrow(
      /beforeMs/,
    );
  });
});
