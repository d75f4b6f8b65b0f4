import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAlert } from '../../../src/alerts/thresholds/deliverAlert.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';
import { json, runPgtel, runPgtelInProcess } from './runPgtel.js';

// The real PostgreSQL on its own schema when PGTEL_TEST_DATABASE_URL is set, else an embedded folder
// nobody holds: either way the data commands answer through the in-process API app. Commands run
// in this process (`runCli`, as bin.js does); a real process only where the process is the subject:
// exit codes, --help, terminal detection and what a failing connection prints.
const folder = mkdtempSync(join(tmpdir(), 'pgtel-cli-direct-'));
const schema = uniqueSchema('cli');
const env: Record<string, string> = testDatabaseUrl
  ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, NO_COLOR: '1' }
  : { PGTEL_DATA_DIR: join(folder, 'data'), NO_COLOR: '1' };
const pgtel = (...args: string[]) => runPgtelInProcess(args, env);
const pgtelProcess = (...args: string[]) => runPgtel(args, env);
const TRACE_ID = 'c11c11c11c11c11c11c11c11c11c1100';
const TRACE_START = Date.now() - 60_000;

function span(
  spanId: string,
  parentSpanId: string | null,
  name: string,
  offsetMs: number,
  ms: number,
  error = false,
): SpanRow {
  const start = TRACE_START + offsetMs;
  return {
    traceId: TRACE_ID,
    spanId,
    parentSpanId,
    traceState: null,
    operationName: name,
    kind: 'internal',
    serviceName: 'cli-shop',
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + ms).toISOString(),
    durationMs: ms,
    status: error ? 'error' : 'ok',
    statusMessage: error ? 'card declined' : null,
    attributes: {},
    events: [],
    links: [],
    resource: { 'service.name': 'cli-shop' },
    scope: { name: 'cli-test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

let alertId = 0;

beforeAll(async () => {
  expect((await pgtel('migrate')).code).toBe(0);
  const db = await openDatabase(
    testDatabaseUrl ? { databaseUrl: testDatabaseUrl, schema } : { dataDir: join(folder, 'data') },
  );
  try {
    await writeSpanRows(db, [
      span('b000000000000001', null, 'GET /orders', 0, 100),
      span('b000000000000002', 'b000000000000001', 'charge card', 50, 40, true),
    ]);
    const delivered = await deliverAlert(db, {
      alertType: 'integration_failure',
      severity: 'critical',
      title: 'Integration Failure: payments',
      message: 'payments failed',
      metadata: {},
    });
    alertId = delivered.id!;
  } finally {
    await db.close();
  }
}, 240_000);

afterAll(async () => {
  if (testDatabaseUrl) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  }
  rmSync(folder, { recursive: true, force: true });
});

describe('pgtel data commands with direct database access', () => {
  it('loads a demo burst with progress on stderr and a JSON summary', async () => {
    const run = await pgtel('demo', '--batches', '12', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('demo: 10/12 batches');
    expect(run.stderr).toContain('demo: 12/12 batches');
    const summary = json<{ batches: number; workflows: Record<string, number>; spansExported: number }>(run);
    expect(summary.batches).toBe(12);
    expect(Object.values(summary.workflows).reduce((a, b) => a + b, 0)).toBe(12);
    expect(summary.spansExported).toBeGreaterThanOrEqual(12 * 2);
  }, 240_000);

  it('searches traces and shows one as a waterfall with the error marked', async () => {
    const list = json<{ traces: { traceId: string; errorCount: number }[]; nextCursor: string | null }>(
      await pgtel('traces', '--service', 'cli-shop', '--json'),
    );
    expect(list.traces).toEqual([expect.objectContaining({ traceId: TRACE_ID, errorCount: 1 })]);
    expect(list.nextCursor).toBeNull();
    const text = await pgtel('traces', '--service', 'cli-shop');
    expect(text.stdout).toContain(TRACE_ID);

    const trace = await pgtel('trace', TRACE_ID, '--width', '20');
    expect(trace.code).toBe(0);
    const lines = trace.stdout.split('\n');
    const root = lines.find((l) => l.startsWith('GET /orders [cli-shop]'))!;
    const child = lines.find((l) => l.startsWith('  ✗ charge card [cli-shop]'))!;
    expect(root).toContain('█'.repeat(20));
    expect(child).toContain('▒'.repeat(8));
    expect(child).toMatch(/card declined$/);
    expect(trace.stdout).not.toContain('\u001b[');

    const view = json<{ spans: { depth: number; operationName: string }[] }>(
      await pgtel('trace', TRACE_ID, '--json'),
    );
    expect(view.spans.map((s) => [s.depth, s.operationName])).toEqual([
      [0, 'GET /orders'],
      [1, 'charge card'],
    ]);
  }, 240_000);

  it('answers an unknown trace with exit 1 and a bad id with exit 2 and the usage', async () => {
    const missing = await pgtelProcess('trace', 'f'.repeat(32));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found|no .*trace/i);
    const bad = await pgtelProcess('trace', 'xyz');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: pgtel trace <traceId>');
  }, 240_000);

  it('lists workflows and shows one with its history', async () => {
    const page = json<{ workflows: { workflowId: string; workflowType: string }[] }>(
      await pgtel('workflows', '--type', 'demo.etl_batch', '--limit', '5', '--json'),
    );
    expect(page.workflows).toHaveLength(5);
    const id = page.workflows[0]!.workflowId;
    const view = json<{ workflow: { workflowId: string }; history: unknown[]; phases: unknown[] }>(
      await pgtel('workflow', id, '--json'),
    );
    expect(view.workflow.workflowId).toBe(id);
    expect(view.history.length).toBeGreaterThanOrEqual(2);
    const text = await pgtel('workflow', id);
    expect(text.stdout).toContain(`Workflow ${id} (demo.etl_batch)`);
    expect(text.stdout).toMatch(/created +→pending/);
  }, 240_000);

  it('lists metrics and one metric over time grouped by a label', async () => {
    const list = json<{ metrics: { name: string }[] }>(await pgtel('metrics', '--json'));
    expect(list.metrics.map((m) => m.name)).toContain('demo.rows_processed');
    const series = json<{ lines: { labels: Record<string, string> }[] }>(
      await pgtel('metrics', 'demo.rows_processed', '--group-by', 'step', '--json'),
    );
    expect(series.lines.map((l) => l.labels.step).sort()).toEqual(
      expect.arrayContaining(['load', 'transform']),
    );
    const bad = await pgtel('metrics', '--step', '5m');
    expect(bad.code).toBe(2);
  }, 240_000);

  it('runs one read-only query and refuses several statements and writes', async () => {
    const count = async () =>
      json<{ rows: { n: number }[] }>(await pgtel('query', 'SELECT count(*)::int AS n FROM spans', '--json'))
        .rows[0]!.n;
    const before = await count();
    expect(before).toBeGreaterThan(2);
    for (const sql of [
      'SELECT 1; COMMIT; DELETE FROM spans',
      'SELECT 1) q; COMMIT; DELETE FROM spans; SELECT (1',
      'DELETE FROM spans RETURNING 1',
      'WITH d AS (DELETE FROM spans RETURNING 1) SELECT count(*) FROM d',
    ]) {
      const run = await pgtel('query', sql);
      expect(run.code, sql).toBe(1);
      expect(run.stderr, sql).toMatch(/^pgtel query: /);
    }
    expect(await count()).toBe(before);
    const limited = json<{ rows: unknown[]; truncated: boolean; columns: string[] }>(
      await pgtel('query', 'SELECT g FROM generate_series(1, 10) g;', '--limit', '3', '--json'),
    );
    expect(limited).toEqual({ columns: ['g'], rows: [{ g: 1 }, { g: 2 }, { g: 3 }], truncated: true });
    expect((await pgtel('query')).code).toBe(2);
  }, 240_000);

  it.skipIf(!testDatabaseUrl)(
    'stops a query at the statement timeout',
    async () => {
      const run = await runPgtelInProcess(['query', 'SELECT pg_sleep(5)'], {
        ...env,
        PGTEL_QUERY_TIMEOUT_MS: '200',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/statement timeout/);
    },
    240_000,
  );

  it('shows firing alerts, acknowledges and resolves one, and silences and expires', async () => {
    // The threshold check's alert is in the one alert list until resolved.
    const firing = json<{ alerts: { origin: string; rule: string; state: string; alertId: number }[] }>(
      await pgtel('alerts', '--json'),
    );
    expect(firing.alerts.map((a) => [a.origin, a.rule, a.state, a.alertId])).toEqual([
      ['threshold', 'Integration Failure: payments', 'firing', alertId],
    ]);
    const table = await pgtel('alerts');
    expect(table.code).toBe(3);
    expect(table.stdout).toContain('Integration Failure: payments (threshold check)');

    const ack = json<{ alert: { id: number; acknowledgedBy: string } }>(
      await pgtel('alerts', 'ack', String(alertId), '--by', 'alice', '--json'),
    );
    expect(ack.alert).toMatchObject({ id: alertId, acknowledgedBy: 'alice' });
    expect((await pgtel('alerts', 'ack', String(alertId))).code).toBe(2);
    expect((await pgtel('alerts', 'ack', '999999', '--by', 'bob')).code).toBe(1);
    const resolved = await pgtel('alerts', 'resolve', String(alertId));
    expect(resolved.stdout).toMatch(/^Alert \d+ \(Integration Failure: payments\) resolved at /);
    const quiet = await pgtel('alerts');
    expect([quiet.code, quiet.stdout]).toEqual([0, 'No alerts firing. None without data or in error.\n']);

    const silence = json<{ silence: { id: number; matchers: unknown[] } }>(
      await pgtel(
        'alerts',
        'silence',
        'alertname=DemoSlowTransform',
        'env!=dev',
        '--for',
        '2h',
        '--by',
        'alice',
        '--json',
      ),
    );
    expect(silence.silence.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'DemoSlowTransform' },
      { name: 'env', op: '!=', value: 'dev' },
    ]);
    const listed = json<{ silences: { id: number }[] }>(await pgtel('alerts', 'silences', '--json'));
    expect(listed.silences.map((s) => s.id)).toContain(silence.silence.id);
    expect((await pgtel('alerts', 'expire', String(silence.silence.id))).code).toBe(0);
    const after = json<{ silences: { id: number }[] }>(await pgtel('alerts', 'silences', '--json'));
    expect(after.silences.map((s) => s.id)).not.toContain(silence.silence.id);

    expect((await pgtel('alerts', 'silence', 'no-operator', '--by', 'a')).code).toBe(2);
    expect((await pgtel('alerts', 'silence', 'a=b', '--by', 'a', '--for', 'soon')).code).toBe(2);
    expect((await pgtel('alerts', 'frobnicate')).code).toBe(2);
    const history = json<{ history: unknown[] }>(await pgtel('alerts', 'history', '--json'));
    expect(Array.isArray(history.history)).toBe(true);
  }, 240_000);

  it('sends a test alert through the configured notifiers', async () => {
    const run = await pgtel('alerts', 'test', '--json');
    expect(run.code).toBe(0);
    expect(json<{ notifiers: Record<string, { status: string }> }>(run).notifiers).toMatchObject({
      log: { status: 'sent' },
      webhook: { status: 'not_configured' },
    });
    const down = await runPgtelInProcess(['alerts', 'test'], {
      ...env,
      PGTEL_ALERT_WEBHOOK_URL: 'http://127.0.0.1:1/hook',
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/webhook +failed/);
  }, 240_000);

  it('prunes with progress and reports what it removed', async () => {
    const run = await pgtel('prune', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('pruning partitions past retention...');
    expect(run.stderr).toContain('pruning workflows closed more than 30 days ago...');
    expect(json(run)).toMatchObject({
      partitions: { dropped: [] },
      workflows: { workflows: 0 },
      alerts: { outbox: 0, history: 0 },
    });
  }, 240_000);

  it('doctor passes every check on a migrated database', async () => {
    const run = await pgtel('doctor', '--json');
    const report = json<{ ok: boolean; findings: { check: string; status: string }[] }>(run);
    expect(report.findings.map((f) => f.check)).toEqual(
      expect.arrayContaining(['config', 'connectivity', 'clock', 'migrations', 'partitions']),
    );
    expect(report.ok).toBe(true);
    expect(run.code).toBe(0);
  }, 240_000);

  it('every command has --json output that parses and no colour without a terminal', async () => {
    for (const args of [
      ['status'],
      ['traces'],
      ['workflows'],
      ['metrics'],
      ['alerts', 'history'],
      ['doctor'],
    ]) {
      const run = await runPgtelInProcess([...args, '--json'], { ...env, NO_COLOR: '' });
      expect(() => JSON.parse(run.stdout), args.join(' ')).not.toThrow();
      const text = await runPgtelInProcess(args, { ...env, NO_COLOR: '' });
      expect(text.stdout + text.stderr, args.join(' ')).not.toContain('\u001b[');
    }
    // bin.js itself decides there is no terminal: a piped process, NO_COLOR unset.
    const piped = await runPgtel(['doctor'], { ...env, NO_COLOR: '' });
    expect(piped.stdout).toMatch(/migrations/);
    expect(piped.stdout + piped.stderr).not.toContain('\u001b[');
  }, 240_000);
});

describe('pgtel errors', () => {
  it('never prints the password of a failing connection, in any command', async () => {
    for (const args of [['traces'], ['query', 'SELECT 1'], ['prune'], ['doctor']]) {
      const run = await runPgtel(args, {
        DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/x',
        NO_COLOR: '1',
      });
      expect(run.code, args[0]).not.toBe(0);
      expect(run.stdout + run.stderr, args[0]).not.toContain('hunter2');
    }
  }, 240_000);

  it('answers --help per command and documents the exit codes', async () => {
    const help = await pgtelProcess('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 ok; 1 failure; 2 usage error/);
    for (const name of [
      'doctor',
      'traces',
      'trace',
      'metrics',
      'query',
      'workflows',
      'workflow',
      'alerts',
      'prune',
      'demo',
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const traces = await pgtelProcess('traces', '--help');
    expect(traces.stdout).toContain('Usage: pgtel traces');
    const badOption = await pgtelProcess('traces', '--nope');
    expect(badOption.code).toBe(2);
  }, 240_000);
});
