import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { useTestDatabase } from '../helpers/testDatabase.js';
import { createTestApp } from '../integration/api/apiTestApp.js';

const ctx = useTestDatabase();
const TOKEN = 'security-test-token-0123456789';
const clock = new ManualClock(Date.UTC(2026, 2, 10, 12));

// Every route of the HTTP surface (docs/api.md), with the method it answers.
const ROUTES: [string, string][] = [
  ['GET', '/api/services'],
  ['GET', '/api/operations?service=x'],
  ['GET', '/api/traces'],
  ['GET', '/api/traces/4bf92f3577b34da6a3ce929d0e0e4736'],
  ['GET', '/api/metrics'],
  ['GET', '/api/metrics/m/series'],
  ['GET', '/api/metrics/m/percentiles?p=0.5'],
  ['GET', '/api/workflows'],
  ['GET', '/api/workflows/6f1c2d3e-0000-4000-8000-000000000000'],
  ['GET', '/api/alerts'],
  ['GET', '/api/alerts/history'],
  ['GET', '/api/alerts/rules'],
  ['POST', '/api/alerts/1/acknowledge'],
  ['GET', '/api/metrics/m/exemplars'],
  ['GET', '/api/traces/4bf92f3577b34da6a3ce929d0e0e4736/workflows'],
  ['GET', '/api/traces/4bf92f3577b34da6a3ce929d0e0e4736/alerts'],
  ['GET', '/api/traces/4bf92f3577b34da6a3ce929d0e0e4736/exemplars'],
  ['GET', '/api/services/graph'],
  ['GET', '/api/workflows/6f1c2d3e-0000-4000-8000-000000000000/traces'],
  ['GET', '/api/workflows/6f1c2d3e-0000-4000-8000-000000000000/alerts'],
  ['GET', '/api/alerts/1/links'],
  ['GET', '/api/alerts/1/error-spans'],
  ['GET', '/api/silences'],
  ['POST', '/api/silences'],
  ['POST', '/api/silences/1/expire'],
  ['GET', '/api/health'],
  ['GET', '/api/telemetry-env'],
  ['POST', '/v1/traces'],
  ['POST', '/v1/metrics'],
  ['GET', '/metrics'],
  ['GET', '/livez'],
  ['GET', '/readyz'],
  ['GET', '/startupz'],
  ['GET', '/'],
];
const SCOPES = ['api', 'ingest', 'metrics', 'probes', 'dashboard'] as const;
const scopeOfRoute = (path: string) =>
  path.startsWith('/api')
    ? 'api'
    : path.startsWith('/v1/')
      ? 'ingest'
      : path === '/metrics'
        ? 'metrics'
        : path === '/'
          ? 'dashboard'
          : 'probes';

function webRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgtel-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>pgtel</title>');
  return dir;
}

describe('HTTP surface security', () => {
  it('requires the bearer token on every route of every configured scope, and only there', async () => {
    for (const scope of SCOPES) {
      const app = createTestApp(ctx.db, clock, { apiToken: TOKEN, authScopes: [scope], webRoot: webRoot() });
      for (const [method, path] of ROUTES) {
        const guarded = scopeOfRoute(path.split('?')[0]!) === scope;
        for (const authorization of [
          undefined,
          'Bearer wrong-token-0123456789',
          `Basic ${TOKEN}`,
          `Bearer ${TOKEN}x`,
        ]) {
          const response = await app.request(path, {
            method,
            headers: authorization ? { authorization } : {},
          });
          expect(response.status === 401, `${scope} ${method} ${path} ${authorization}`).toBe(guarded);
          const text = await response.text();
          expect(text).not.toContain(TOKEN);
        }
        if (!guarded) continue;
        const ok = await app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` } });
        expect(ok.status, `${scope} ${method} ${path} with the token`).not.toBe(401);
      }
    }
  }, 180_000);

  it('cannot be bypassed by encoding, doubling or dotting the path', async () => {
    const app = createTestApp(ctx.db, clock, { apiToken: TOKEN, authScopes: ['api', 'ingest', 'metrics'] });
    for (const path of [
      '/%61pi/services',
      '/API/services',
      '//api/services',
      '/./api/services',
      '/x/../api/services',
      '/api/./services',
      '/%2fapi/services',
      '/v1/../api/services',
      '/%6detrics',
    ]) {
      const response = await app.request(path);
      expect([401, 404], path).toContain(response.status);
    }
  });

  it('never serves a file outside the dashboard and vendor roots', async () => {
    const app = createTestApp(ctx.db, clock, { webRoot: webRoot() });
    const secrets = /root:|\[boot loader\]|"name":\s*"pgtel"|PRIVATE KEY/;
    for (const path of [
      '/../../../../etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/....//....//etc/passwd',
      '/..\\..\\etc\\passwd',
      '/%252e%252e/etc/passwd',
      '/vendor/uplot/../../../package.json',
      '/vendor/uplot/..%2f..%2f..%2fpackage.json',
      '/vendor/..%2fpackage.json/x',
      '/index.html%00.png',
    ]) {
      const response = await app.request(path);
      const body = await response.text();
      expect(body, path).not.toMatch(secrets);
      expect(response.status, path).not.toBe(500);
    }
  });

  it('refuses oversized values in every parameter and field with a 4xx, never a 500', async () => {
    const app = createTestApp(ctx.db, clock);
    const big = 'x'.repeat(100_000);
    const e = encodeURIComponent(big);
    const paths = [
      `/api/operations?service=${e}`,
      `/api/traces?service=${e}&operation=${e}&attr=a:${e}&cursor=${e}&from=${e}`,
      `/api/traces/${e}`,
      `/api/metrics?from=${e}`,
      `/api/metrics/${e}/series?labels=a:${e}&groupBy=${e}&step=${e}`,
      `/api/metrics/m/percentiles?p=${e}`,
      `/api/workflows?type=${e}&cursor=${e}`,
      `/api/workflows/${e}`,
      `/api/alerts?rule=${e}`,
      `/api/alerts/history?rule=${e}`,
      `/api/health?${e}=1`,
    ];
    for (const path of paths) {
      const response = await app.request(path);
      expect(response.status, path.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(response.status, path.slice(0, 60)).toBeLessThan(500);
    }
    const bodies: [string, string][] = [
      [
        '/api/silences',
        JSON.stringify({
          matchers: [{ name: big, value: big, op: '=' }],
          endsAt: big,
          createdBy: big,
          comment: big,
        }),
      ],
      ['/api/silences', `{"a":${'['.repeat(100_000)}`],
      ['/api/alerts/1/acknowledge', JSON.stringify({ by: big })],
      ['/v1/traces', big.repeat(30)],
    ];
    for (const [path, body] of bodies) {
      const response = await app.request(path, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
  });

  it('treats SQL injection in every JSON field as data', async () => {
    const app = createTestApp(ctx.db, clock);
    const evil = ["'; DROP TABLE spans; --", "' OR '1'='1", '$1', '\\', '"; DELETE FROM alert_silences; --'];
    for (const value of evil) {
      const silence = await app.request('/api/silences', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'alertname', value, op: '=' }],
          startsAt: new Date(clock.now()).toISOString(),
          endsAt: new Date(clock.now() + 3_600_000).toISOString(),
          createdBy: value,
          comment: value,
        }),
      });
      expect(silence.status).toBeLessThan(500);
      for (const path of [
        `/api/alerts/${encodeURIComponent(value)}/acknowledge`,
        `/api/silences/${encodeURIComponent(value)}/expire`,
      ]) {
        const response = await app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ by: value }),
        });
        expect([400, 404], path).toContain(response.status);
      }
    }
    const { rows } = await ctx.db.query<{ n: number; comments: string[] }>(
      `SELECT count(*)::int AS n, array_agg(comment ORDER BY id) AS comments FROM ${ctx.db.table('alert_silences')}`,
    );
    // Each silence stored with its comment verbatim; the tables are all still there.
    expect(rows[0]!.comments ?? []).toEqual(evil.slice(0, rows[0]!.n));
    await ctx.db.query(`SELECT 1 FROM ${ctx.db.table('spans')} LIMIT 1`);
  });
});
