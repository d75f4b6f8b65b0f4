import { describe, expect, it } from 'vitest';
import { deliverAlert } from '../../../src/alerts/thresholds/deliverAlert.js';
import type { Database } from '../../../src/db/Database.js';
import { toJsonText } from '../../../src/db/jsonText.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { otlpLogRows } from '../../../src/logs/otlpLogRows.js';
import { writeLogRows } from '../../../src/logs/writeLogRows.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import { storeRemoteWrite } from '../../../src/prometheus/storeRemoteWrite.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { codeBlocks, readDoc } from './markdownBlocks.js';

const ctx = useTestDatabase();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Telemetry of every kind, so each documented query has rows to return. */
async function seed(db: Database): Promise<void> {
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
  const span = (id: string, parent: string | null, name: string, ms: number, extra: object = {}) => ({
    trace_id: TRACE,
    span_id: id,
    parent_span_id: parent,
    operation_name: name,
    service_name: 'orders-api',
    start_time: at(60),
    end_time: at(60 - ms / 1000),
    duration_ms: ms,
    attributes: {},
    status: 'ok',
    events: [],
    ...extra,
  });
  const spans = [
    span('00f067aa0ba902b7', null, 'GET /orders', 120, { attributes: { 'http.route': '/orders' } }),
    span('00f067aa0ba902b8', '00f067aa0ba902b7', 'SELECT orders', 80),
    span('00f067aa0ba902b9', '00f067aa0ba902b7', 'charge card', 30, {
      status: 'error',
      attributes: { 'http.route': '/orders', 'http.response.status_code': 500 },
      events: [
        {
          name: 'exception',
          time: at(59),
          attributes: { 'exception.type': 'Error', 'exception.message': 'declined' },
        },
      ],
    }),
  ];
  for (const s of spans) {
    await db.query(
      `INSERT INTO ${db.table('spans')} (trace_id, span_id, parent_span_id, operation_name, service_name,
         start_time, end_time, duration_ms, attributes, status, events)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb)`,
      [
        s.trace_id,
        s.span_id,
        s.parent_span_id,
        s.operation_name,
        s.service_name,
        s.start_time,
        s.end_time,
        s.duration_ms,
        toJsonText(s.attributes),
        s.status,
        toJsonText(s.events),
      ],
    );
  }
  // A span pgtel had to cut (a 2 KB name) and clamp (ended before it started).
  await writeSpanRows(db, [
    {
      traceId: TRACE,
      spanId: '00f067aa0ba902ba',
      parentSpanId: '00f067aa0ba902b7',
      traceState: null,
      operationName: `render ${'x'.repeat(2_000)}`,
      kind: 'internal',
      serviceName: 'orders-api',
      startTime: at(59),
      endTime: at(3_600),
      durationMs: 0,
      status: 'ok',
      statusMessage: null,
      attributes: {},
      events: [],
      links: [],
      resource: {},
      scope: { name: 'docs' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    },
  ]);

  const metrics = new MetricsCollector({ db, flushIntervalMs: 3_600_000, rawMetrics: ['payment_amount'] });
  const latency = metrics.createHistogram('http_request_duration_ms', { unit: 'ms' });
  for (const ms of [12, 20, 35, 250]) latency.record(ms, { route: '/orders' });
  latency.record(8, { route: '/health' });
  metrics.counter('http_requests_total', 40, { route: '/orders', code: '200' });
  metrics.counter('http_requests_total', 2, { route: '/orders', code: '503' });
  metrics.gauge('queue_depth', 7, { queue: 'emails' });
  metrics.histogram('payment_amount', 19.99);
  await metrics.shutdown();
  // Series of a named service with resource attributes, as OTLP ingest writes them.
  for (const [name, type, value] of [
    ['http_request_duration_ms', 'histogram', 0],
    ['http_requests_total', 'counter', 12],
  ] as const) {
    await insertMetricRow(db, {
      name,
      type,
      service: 'orders-api',
      resource: { 'host.name': 'web-1', 'deployment.environment': 'prod' },
      labels: { route: '/orders' },
      at: new Date(Date.now() - 30_000),
      value,
      observations: type === 'histogram' ? [14, 22, 180] : undefined,
    });
  }

  const tracker = new WorkflowStateTracker(db);
  const done = await tracker.createWorkflow({ workflowType: 'sales.daily_totals', correlationId: TRACE });
  await tracker.transition(done.workflowId, { status: 'running', phase: 'load' });
  await tracker.transition(done.workflowId, { phase: 'write' });
  await tracker.transition(done.workflowId, { status: 'failed', error: 'disk full' });
  const stuck = await tracker.createWorkflow({ workflowType: 'sales.daily_totals' });
  await tracker.transition(stuck.workflowId, { status: 'running', phase: 'load' });
  await db.query(
    `UPDATE ${db.table('workflow_state')} SET due_at = now() - interval '5 minutes', stuck = true,
            stuck_since = now() WHERE workflow_id = $1`,
    [stuck.workflowId],
  );

  await deliverAlert(db, {
    alertType: 'data_quality',
    severity: 'warning',
    title: 'Data Quality: null_prices',
    message: 'Found 3 null_prices issues',
    metadata: {},
  });
  // Two scrapes of `up` as Prometheus remote write stores them, with the family's metadata.
  const scrape = (value: number, secondsAgo: number) => ({
    timestampMs: Date.now() - secondsAgo * 1000,
    value,
    stale: false,
  });
  await storeRemoteWrite(
    db,
    {
      series: [
        {
          name: 'up',
          labels: { job: 'node', instance: 'host-1:9100' },
          samples: [scrape(1, 30), scrape(1, 15)],
          exemplars: [],
        },
      ],
      metadata: [{ family: 'up', type: 'gauge', help: 'Whether the target was reachable.', unit: '' }],
      sampleCount: 2,
      skippedHistograms: 0,
    },
    Date.now(),
  );
  await db.exec(`
    INSERT INTO ${db.table('alert_rules')} (name, definition, interval_ms, next_eval_at, updated_at)
    VALUES ('HighLatency', '{}', 15000, now(), now());
    INSERT INTO ${db.table('alert_instances')} (rule_name, fingerprint, series_labels, labels, state, severity,
      value, firing_since, updated_at)
    VALUES ('HighLatency', 'f1', '{}', '{"alertname":"HighLatency"}', 'firing', 'critical', 2400, now(), now());
    INSERT INTO ${db.table('alert_history')} (rule_name, fingerprint, labels, from_state, to_state, severity, value,
      changed_at)
    VALUES ('HighLatency', 'f1', '{}', 'pending', 'firing', 'critical', 2400, now() - interval '10 minutes'),
           ('HighLatency', 'f1', '{}', 'firing', 'resolved', null, 900, now() - interval '5 minutes');
    INSERT INTO ${db.table('alert_outbox')} (notifier, idempotency_key, group_key, payload, status, next_attempt_at,
      last_error, created_at)
    VALUES ('webhook', 'k1', 'g1', '{"alerts":[{"labels":{"alertname":"HighLatency"}}]}', 'failed', now(),
      'HTTP 502', now());
    UPDATE ${db.table('metrics')} SET exemplars = jsonb_build_array(jsonb_build_object('trace_id', '${TRACE}',
      'span_id', '00f067aa0ba902b7', 'value', 250, 'observed_at', now() - interval '60 seconds'))
     WHERE metric_name = 'http_request_duration_ms' AND labels @> '{"route":"/orders"}';
    INSERT INTO ${db.table('alert_links')} (alert_id, link_kind, link_id, value, first_seen_at, last_seen_at)
    SELECT id, 'trace', '${TRACE}', 250, now(), now() FROM ${db.table('alerts')};
    INSERT INTO ${db.table('health_transitions')} (occurred_at, instance, kind, subject, from_status, to_status, message)
    VALUES (now(), 'pod-1', 'probe', 'readiness', 'pass', 'fail', 'Dependencies unhealthy: database');
  `);
  const nanosAgo = (seconds: number) => BigInt(Date.now() - seconds * 1000) * 1_000_000n;
  const log = (
    seconds: number,
    severityNumber: number,
    body: string | Record<string, number>,
    spanId: string | null,
  ) => ({
    resource: {
      attributes: { 'service.name': 'orders-api' },
      serviceName: 'orders-api',
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    scope: { name: 'orders', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    timeUnixNano: nanosAgo(seconds),
    observedTimeUnixNano: nanosAgo(seconds),
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
    body,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 1,
    traceId: spanId ? TRACE : null,
    spanId,
  });
  const logs = await writeLogRows(
    db,
    otlpLogRows([
      log(60, 9, 'listing orders', '00f067aa0ba902b7'),
      log(59, 17, 'card declined for order 42', '00f067aa0ba902b9'),
      log(30, 9, { order_id: 42 }, null),
    ]),
  );
  expect(logs.written).toBe(3);
}

/** Runs a document's sql blocks in order in one transaction on the test schema; rows per block. */
async function runDocument(
  db: Database,
  path: string,
): Promise<{ line: number; sql: string; rows: number }[]> {
  const blocks = codeBlocks(readDoc(path), 'sql');
  expect(blocks.length).toBeGreaterThan(0);
  const results: { line: number; sql: string; rows: number }[] = [];
  await db.transaction(async (tx) => {
    for (const block of blocks) {
      const sql = block.code.replace(
        /^SET search_path = observability/m,
        `SET LOCAL search_path = ${quoteIdent(db.schema)}`,
      );
      try {
        const result = await tx.query(sql);
        results.push({ line: block.line, sql, rows: result.rows.length });
      } catch (error) {
        throw new Error(`${path}:${block.line} failed: ${(error as Error).message}\n${sql}`);
      }
    }
  });
  return results;
}

describe('the SQL in the documentation', () => {
  it('docs/sql.md: every query runs and returns rows on data pgtel wrote', async () => {
    await seed(ctx.db);
    const results = await runDocument(ctx.db, 'docs/sql.md');
    const empty = results.filter((r) => !r.sql.trimStart().startsWith('SET') && r.rows === 0);
    expect(empty.map((r) => `line ${r.line}`)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(20);
  });

  it('docs/sql.md names every table and view of the schema', async () => {
    const doc = readDoc('docs/sql.md');
    const relations = await ctx.db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition`,
      [ctx.db.schema],
    );
    expect(relations.rows.length).toBeGreaterThan(15);
    const missing = relations.rows.map((r) => r.relname).filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('docs/sql-metrics.md: every query runs', async () => {
    const results = await runDocument(ctx.db, 'docs/sql-metrics.md');
    expect(results.length).toBeGreaterThan(5);
  });
});
