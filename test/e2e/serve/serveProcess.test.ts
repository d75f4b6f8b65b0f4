import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { eventually } from '../../helpers/eventually.js';
import { spawnServe } from '../../helpers/serveProcess.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-serve-'));
const schema = uniqueSchema('serve');

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

describe('pgtel serve --demo as a process', () => {
  it('prints its URLs, fills every signal with demo data, and shuts down gracefully on SIGTERM', async () => {
    const env = onRealServer
      ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, PGTEL_SHUTDOWN_DELAY_MS: '1000' }
      : { DATABASE_URL: '', PGTEL_DATA_DIR: join(folder, 'data'), PGTEL_SHUTDOWN_DELAY_MS: '1000' };
    const serve = await spawnServe(['--demo'], env, 90_000);
    try {
      expect(serve.output()).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=${serve.url}`);
      expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
      const traces = await eventually(
        async () => {
          const body = (await (await fetch(`${serve.url}/api/traces?limit=5`)).json()) as {
            traces: unknown[];
          };
          return body.traces.length > 0 ? body.traces : undefined;
        },
        'demo traces',
        30_000,
      );
      expect(traces.length).toBeGreaterThan(0);
      const workflows = (await (await fetch(`${serve.url}/api/workflows`)).json()) as {
        workflows: { workflowType: string }[];
      };
      expect(workflows.workflows.some((w) => w.workflowType === 'demo.etl_batch')).toBe(true);
      const rules = (await (await fetch(`${serve.url}/api/alerts/rules`)).json()) as {
        rules: { rule: { name: string } }[];
      };
      expect(rules.rules.map((r) => r.rule.name)).toEqual(
        expect.arrayContaining(['DemoDataQualityIssues', 'DemoSlowTransform']),
      );
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toMatch(/^pgtel_job_runs_total\{pgtel_job="demo"\} \d+$/m);
    } finally {
      serve.child.kill('SIGTERM');
    }
    // During the shutdown delay readiness fails while liveness still passes.
    const ready = await eventually(
      async () => {
        const status = await fetch(`${serve.url}/readyz`).then(
          (r) => r.status,
          () => 'closed',
        );
        return status === 200 ? undefined : status;
      },
      'readiness to fail',
      5_000,
    );
    const live = await fetch(`${serve.url}/livez`).then(
      (r) => r.status,
      () => 'closed',
    );
    expect(ready).toBe(503);
    expect(live).toBe(200);
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toContain('shutdown complete');
  }, 150_000);
});
