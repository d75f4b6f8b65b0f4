// The ingest memory budget through the whole HTTP surface (createApp, a real database): a request
// that would go over what other requests hold gets 429 + Retry-After and nothing is stored; once the
// budget is free the same request is stored.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { createHealthHandlers } from '../../../src/health/healthHandlers.js';
import { createApp } from '../../../src/http/createApp.js';
import { createOtlpSinks } from '../../../src/http/otlpSinks.js';
import { IngestBudget } from '../../../src/otlp/IngestBudget.js';
import { minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

function appWith(budget: IngestBudget) {
  return createApp({
    config: {
      apiToken: undefined,
      authScopes: [],
      maxBodyBytes: 16 * 1024 * 1024,
      maxItemsPerRequest: 50_000,
    },
    health: createHealthHandlers(new HealthChecker()),
    renderMetrics: () => '',
    otlp: createOtlpSinks(ctx.db, systemClock),
    ingestBudget: budget,
  });
}

const post = (app: ReturnType<typeof appWith>, body: Uint8Array, headers: Record<string, string> = {}) =>
  app.request('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body,
  });

async function stored(traceId: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ctx.db.table('spans')} WHERE trace_id = $1`,
    [traceId],
  );
  return rows[0]!.n;
}

describe('ingest memory budget', () => {
  it('answers 429 with Retry-After while other requests hold the budget, then stores the retry', async () => {
    const budget = new IngestBudget(1024 * 1024);
    const app = appWith(budget);
    const traceId = randomBytes(16).toString('hex');
    const body = minimalSpansRequest(5_000, traceId); // about 250 KB
    const other = budget.open();
    other.grow(900 * 1024);

    const refused = await post(app, body);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('connection')).toBe('close');
    expect(await stored(traceId)).toBe(0);
    expect(budget.inUseBytes).toBe(900 * 1024);

    other.release();
    const accepted = await post(app, body);
    expect(accepted.status).toBe(200);
    expect(await stored(traceId)).toBe(5_000);
    expect(budget.inUseBytes).toBe(0);
  });

  it('refuses a request larger than the whole budget with 413 (retrying cannot help)', async () => {
    const app = appWith(new IngestBudget(1024 * 1024));
    const response = await post(app, minimalSpansRequest(30_000));
    expect(response.status).toBe(413);
    const text = Buffer.from(await response.arrayBuffer()).toString();
    expect(text).toContain('ingest memory budget');
  });

  it('answers a wrong content type 415 before reading, and an item count over the cap 413', async () => {
    const app = appWith(new IngestBudget());
    expect((await post(app, Buffer.from('x'), { 'content-type': 'text/plain' })).status).toBe(415);
    const tooMany = await post(app, minimalSpansRequest(50_001));
    expect(tooMany.status).toBe(413);
    expect(Buffer.from(await tooMany.arrayBuffer()).toString()).toContain('more than 50000 spans');
  });

  it('reserves what parsing OTLP/JSON costs (8x its size) before parsing it', async () => {
    const budget = new IngestBudget(4 * 1024 * 1024);
    const app = appWith(budget);
    const spans = Array.from({ length: 2000 }, (_, i) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'x'.repeat(200),
    }));
    const json = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
    expect(json.length).toBeGreaterThan(512 * 1024);
    const response = await post(app, json, { 'content-type': 'application/json' });
    expect(response.status).toBe(413);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toContain('ingest memory budget');
    expect(budget.inUseBytes).toBe(0);
  });
});
