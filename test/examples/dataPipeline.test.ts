import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAlertInstances } from '../../src/alerts/alertQueries.js';
import { runPgtel } from '../e2e/cli/runPgtel.js';
import { createExampleStore, runExample } from './exampleProcess.js';

const store = createExampleStore();
afterAll(() => store.dispose());

const script = 'examples/data-pipeline/pipeline.mjs';

describe('examples/data-pipeline', () => {
  it('records the workflow, traced steps, row counts and the data-quality and performance alerts', async () => {
    const env = { ...store.env, PIPELINE_SCHEMA: store.env.PGTEL_SCHEMA };
    const first = await runExample(script, env);
    expect(first.output).toContain('12 loaded, 3 rejected, 5 written');
    expect(first.code).toBe(0);
    // A degraded upstream: the second run takes more than twice the first, the only baseline.
    const firstMs = Number(/written in (\d+) ms/.exec(first.output)?.[1]);
    expect(firstMs).toBeGreaterThanOrEqual(0);
    const second = await runExample(script, { ...env, PIPELINE_SLOW_LOAD_MS: String(2 * firstMs + 1000) });
    expect(second.code, second.output).toBe(0);

    const db = await store.open();
    try {
      const workflows = await db.query<{ status: string; correlation_id: string; workflow_id: string }>(
        `SELECT status, correlation_id, workflow_id::text FROM ${db.table('workflow_state')}
          WHERE workflow_type = 'sales.daily_totals' ORDER BY created_at`,
      );
      expect(workflows.rows.map((w) => w.status)).toEqual(['completed', 'completed']);
      const history = await db.query<{ to_phase: string | null; to_status: string }>(
        `SELECT to_phase, to_status FROM ${db.table('workflow_history')} WHERE workflow_id = $1 ORDER BY version`,
        [workflows.rows[0]!.workflow_id],
      );
      expect(history.rows.map((h) => `${h.to_status}/${h.to_phase}`)).toEqual([
        'pending/load',
        'running/load',
        'running/transform',
        'running/write',
        'completed/write',
      ]);

      // The workflow's correlation id is the trace holding the run and its three steps.
      const spans = await db.query<{ operation_name: string; parent: string | null }>(
        `SELECT s.operation_name, p.operation_name AS parent FROM ${db.table('spans')} s
           LEFT JOIN ${db.table('spans')} p ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
          WHERE s.trace_id = $1 ORDER BY s.start_time, s.operation_name`,
        [workflows.rows[0]!.correlation_id],
      );
      expect(spans.rows).toEqual([
        { operation_name: 'pipeline.run', parent: null },
        { operation_name: 'pipeline.load', parent: 'pipeline.run' },
        { operation_name: 'pipeline.transform', parent: 'pipeline.run' },
        { operation_name: 'pipeline.write', parent: 'pipeline.run' },
      ]);

      const rows = await db.query<{ step: string; outcome: string; total: number }>(
        `SELECT labels->>'step' AS step, labels->>'outcome' AS outcome, sum(metric_value)::int AS total
           FROM ${db.table('metrics')} WHERE metric_name = 'pipeline_rows_total' GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(rows.rows).toEqual([
        { step: 'load', outcome: 'ok', total: 24 },
        { step: 'transform', outcome: 'ok', total: 18 },
        { step: 'transform', outcome: 'rejected', total: 6 },
        { step: 'write', outcome: 'ok', total: 10 },
      ]);

      const alerts = await db.query<{ alert_type: string; severity: string; title: string }>(
        `SELECT alert_type, severity, title FROM ${db.table('alerts')} ORDER BY id`,
      );
      expect(alerts.rows).toEqual([
        { alert_type: 'data_quality', severity: 'warning', title: 'Data Quality: invalid_sales_rows' },
        { alert_type: 'data_quality', severity: 'warning', title: 'Data Quality: invalid_sales_rows' },
        {
          alert_type: 'performance_degradation',
          severity: 'warning',
          title: 'Performance Degradation: pipeline_run_duration_ms',
        },
      ]);

      const target = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${db.table('daily_sales')}`,
      );
      expect(target.rows[0]!.n).toBe(5);

      // The two checks' alerts are in the one alert list, firing.
      const firing = await listAlertInstances(db);
      expect(firing.map((a) => [a.origin, a.rule, a.state]).sort()).toEqual([
        ['threshold', 'Data Quality: invalid_sales_rows', 'firing'],
        ['threshold', 'Performance Degradation: pipeline_run_duration_ms', 'firing'],
      ]);
      expect(firing.find((a) => a.rule.startsWith('Data Quality'))?.value).toBe(3);
    } finally {
      await db.close();
    }
    const listed = await runPgtel(['alerts', '--json'], cliEnv());
    expect(listed.code).toBe(3);
    expect(JSON.parse(listed.stdout).alerts).toHaveLength(2);

    // A clean, fast run: both checks pass and resolve their alerts.
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
    try {
      const clean = join(dir, 'clean.csv');
      const csv = await readFile('examples/data-pipeline/sales.csv', 'utf8');
      await writeFile(
        clean,
        csv
          .split('\n')
          .filter((line) => !/,-|,,|not-a-number/.test(line))
          .join('\n'),
      );
      const third = await runExample(script, env, [clean]);
      expect(third.output).toContain('9 loaded, 0 rejected');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const after = await runPgtel(['alerts', '--json'], cliEnv());
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).alerts).toEqual([]);
    const check = await store.open();
    try {
      const resolved = await listAlertInstances(check, { states: ['resolved'] });
      expect(resolved.map((a) => a.rule).sort()).toEqual([
        'Data Quality: invalid_sales_rows',
        'Performance Degradation: pipeline_run_duration_ms',
      ]);
    } finally {
      await check.close();
    }
  }, 400_000);
});

/** The store's environment for the CLI (which reads PGTEL_* and DATABASE_URL only). */
function cliEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(store.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
