import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { createExampleStore, startExample } from './exampleProcess.js';

const store = createExampleStore();
afterAll(() => store.dispose());

describe('examples/http-api', () => {
  it('stores a span and a latency observation per request, answers probes and shuts down cleanly', async () => {
    const app = await startExample(
      'examples/http-api/server.mjs',
      { ...store.env, PORT: '0', PGTEL_SHUTDOWN_DELAY_MS: '3000' },
      /listening on (http:\/\/\S+)/,
    );
    const base = app.match[1]!;
    try {
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/startupz`)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/orders`)).status).toBe(200);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const one = await fetch(`${base}/orders/1`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      expect(await one.json()).toMatchObject({ id: '1', item: 'tea' });
      expect((await fetch(`${base}/orders/404`)).status).toBe(404);
      for (const path of ['/admin/x1', '/wp-login.php'])
        expect((await fetch(`${base}${path}`)).status).toBe(404);

      // On SIGTERM readiness fails at once while liveness and the API keep answering for the delay.
      app.child.kill('SIGTERM');
      await eventually(
        async () => ((await fetch(`${base}/readyz`)).status === 503 ? true : undefined),
        'readiness to fail after SIGTERM',
        2_500,
      );
      expect((await fetch(`${base}/livez`)).status).toBe(200);
    } finally {
      // One signal only: a second one makes the example exit at once (143).
      if (app.child.signalCode === null && !app.child.killed) app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);

    // Everything was flushed by the shutdown hooks before the process exited.
    const db = await store.open();
    try {
      const spans = await db.query<{ operation_name: string; n: number; code: number; trace_id: string }>(
        `SELECT operation_name, count(*)::int AS n, max((attributes->>'http.response.status_code')::int) AS code,
                max(trace_id) AS trace_id
           FROM ${db.table('spans')} WHERE service_name = 'orders-api' GROUP BY 1 ORDER BY 1`,
      );
      // Named by route template; unknown paths share one bounded name.
      expect(spans.rows.map((r) => [r.operation_name, r.n, r.code])).toEqual([
        ['GET /orders', 3, 200],
        ['GET /orders/:id', 2, 404],
        ['GET unknown route', 2, 404],
      ]);
      // SERVER spans with the HTTP semantic conventions, from pgtel's scope at the package's version.
      const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      const one = await db.query<{
        kind: string;
        attributes: Record<string, unknown>;
        scope: Record<string, unknown>;
      }>(
        `SELECT kind, attributes, scope FROM ${db.table('spans')}
          WHERE service_name = 'orders-api' AND attributes->>'url.path' = '/orders/404'`,
      );
      expect(one.rows).toHaveLength(1);
      expect(one.rows[0]!.kind).toBe('server');
      expect(one.rows[0]!.attributes).toMatchObject({
        'http.request.method': 'GET',
        'url.path': '/orders/404',
        'http.route': '/orders/:id',
        'http.response.status_code': 404,
      });
      expect(one.rows[0]!.scope).toMatchObject({ name: 'pgtel', version });
      const unknown = await db.query<{ attributes: Record<string, unknown> }>(
        `SELECT attributes FROM ${db.table('spans')} WHERE operation_name = 'GET unknown route' ORDER BY attributes->>'url.path'`,
      );
      expect(unknown.rows.map((r) => [r.attributes['url.path'], r.attributes['http.route']])).toEqual([
        ['/admin/x1', undefined],
        ['/wp-login.php', undefined],
      ]);
      // The caller's trace was continued.
      const continued = await db.query(
        `SELECT 1 FROM ${db.table('spans')} WHERE trace_id = '4bf92f3577b34da6a3ce929d0e0e4736'
            AND parent_span_id = '00f067aa0ba902b7'`,
      );
      expect(continued.rows).toHaveLength(1);

      const latency = await db.query<{ route: string; observations: number }>(
        `SELECT labels->>'route' AS route, sum(sample_count)::int AS observations
           FROM ${db.table('metrics')} WHERE metric_name = 'http_request_duration_ms' GROUP BY 1 ORDER BY 1`,
      );
      expect(latency.rows).toEqual([
        { route: '/orders', observations: 3 },
        { route: '/orders/:id', observations: 2 },
        { route: 'unknown', observations: 2 },
      ]);
      const p95 = await db.query<{ p95: number | null }>(
        `SELECT ${db.table('metric_percentile')}('http_request_duration_ms', 0.95, now() - interval '1 hour',
                now() + interval '1 minute', '{"route":"/orders"}') AS p95`,
      );
      expect(p95.rows[0]!.p95).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 240_000);
});
