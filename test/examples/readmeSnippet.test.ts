import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/serveProcess.js';
import { codeBlocks, readDoc } from '../integration/docs/markdownBlocks.js';
import { createExampleStore } from './exampleProcess.js';

const store = createExampleStore();
afterAll(() => store.dispose());

const readme = readDoc('README.md');
const section = readme.slice(readme.indexOf('## Add pgtel to your app'));
const snippet = codeBlocks(section.slice(0, section.indexOf('\n## ', 3)), 'js')[0]?.code ?? '';

describe('the README snippet "Add pgtel to your app"', () => {
  it('is at most 10 lines of code', () => {
    expect(snippet).toContain("from 'pgtel'");
    expect(snippet.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(10);
  });

  it('runs verbatim, stores its trace and metric, and pgtel serve then shows the trace', async () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', snippet], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)), // `pgtel` resolves to this package
      env: { ...process.env, PGTEL_LOG_LEVEL: 'warn', ...store.env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);

    // What the README says next: `npx pgtel serve` on the same database shows the trace.
    const serve = await spawnServe([], { ...store.env, PGTEL_SHUTDOWN_DELAY_MS: '0' }, 150_000);
    try {
      const base = serve.url.replace(/\/$/, '');
      expect((await fetch(`${base}/`)).status).toBe(200);
      const found = (await (await fetch(`${base}/api/traces?service=my-app`)).json()) as {
        traces: { rootService: string; rootOperation: string }[];
      };
      expect(found.traces.map((t) => `${t.rootService} ${t.rootOperation}`)).toEqual(['my-app checkout']);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);

    const db = await store.open();
    try {
      const spans = await db.query<{ operation_name: string; items: number }>(
        `SELECT operation_name, (attributes->>'cart.items')::int AS items FROM ${db.table('spans')}
          WHERE service_name = 'my-app'`,
      );
      expect(spans.rows).toEqual([{ operation_name: 'checkout', items: 3 }]);
      const orders = await db.query<{ total: number; labels: Record<string, string> }>(
        `SELECT sum(metric_value)::int AS total, labels FROM ${db.table('metrics')}
          WHERE metric_name = 'orders_total' GROUP BY labels`,
      );
      expect(orders.rows).toEqual([{ total: 1, labels: { plan: 'pro' } }]);
    } finally {
      await db.close();
    }
  }, 300_000);
});
