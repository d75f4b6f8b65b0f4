import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerSentEvents } from '../../../src/cli/api/readServerSentEvents.js';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';

const TOKEN = 'logs-read-token-0123456789';
const TRACE = '5a'.repeat(16);
let server: PgtelServer;
let stopped = false;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

async function get(path: string, token: string | null = TOKEN): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${server.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.json() };
}

/** Opens a live tail and reads its events into `events` until the stream ends or is aborted. */
function openTail(query: string) {
  const abort = new AbortController();
  const events: { event: string; data: string; at: number }[] = [];
  const done = (async () => {
    const response = await fetch(`${server.url}/api/logs/tail?${query}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    try {
      for await (const e of readServerSentEvents(response.body!)) events.push({ ...e, at: Date.now() });
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  const next = async (event: string, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e.event === event);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { abort, events, done, next };
}

beforeAll(async () => {
  server = await startTestServer({ apiToken: TOKEN });
  const now = Date.now();
  await insertLogRows(
    server.db,
    Array.from({ length: 5 }, (_, i) => ({
      at: new Date(now - (i + 1) * 60_000),
      body: i === 2 ? 'checkout failed: card declined' : `request ${i} served`,
      severityNumber: i === 2 ? 17 : 9,
      service: i % 2 ? 'payments' : 'shop-api',
      traceId: i < 2 ? TRACE : null,
      spanId: i === 0 ? 'b7'.repeat(8) : null,
      attributes: { 'http.route': '/checkout', attempt: i },
      resource: { 'host.name': 'web-1' },
    })),
  );
});

afterAll(async () => {
  if (server && !stopped) await stopTestServer(server);
});

describe('GET /api/logs', () => {
  it('answers records newest first in the documented shape, behind the API token', async () => {
    expect((await get('/api/logs', null)).status).toBe(401);
    const { status, body } = await get('/api/logs');
    expect(status).toBe(200);
    expect(body.logs).toHaveLength(5);
    expect(Object.keys(body.logs[0]).sort()).toEqual(
      [
        'attributes',
        'body',
        'observedTimestamp',
        'resource',
        'serviceName',
        'severityNumber',
        'severityText',
        'spanId',
        'timestamp',
        'traceId',
      ].sort(),
    );
    expect(body.logs[0]).toMatchObject({
      body: 'request 0 served',
      severityNumber: 9,
      severityText: 'INFO',
      serviceName: 'shop-api',
      traceId: TRACE,
      spanId: 'b7'.repeat(8),
      attributes: { 'http.route': '/checkout', attempt: 0 },
      resource: { 'host.name': 'web-1' },
    });
    expect(body.nextCursor).toBeNull();
    const filtered = await get('/api/logs?severity=error&q=declined&service=shop-api&attr=attempt:2');
    expect(filtered.body.logs.map((l: Json) => l.body)).toEqual(['checkout failed: card declined']);
  });

  it('pages with nextCursor', async () => {
    const first = await get('/api/logs?limit=2');
    const second = await get(`/api/logs?limit=2&cursor=${first.body.nextCursor}`);
    const third = await get(`/api/logs?limit=2&cursor=${second.body.nextCursor}`);
    const bodies = [first, second, third].flatMap((p) => p.body.logs.map((l: Json) => l.body));
    expect(bodies).toEqual(
      [0, 1, 2, 3, 4].map((i) => (i === 2 ? 'checkout failed: card declined' : `request ${i} served`)),
    );
    expect(third.body.nextCursor).toBeNull();
  });

  it('refuses bad parameters with a 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['severity=loud', /^severity must be one of/],
      ['severity=30', /^severity/],
      ['traceId=xyz', /^traceId must be 32 hex/],
      ['spanId=12', /^spanId must be 16 hex/],
      ['limit=0', /^limit/],
      ['cursor=not-a-cursor', /^cursor is not valid/],
      ['from=yesterday', /^from must be an ISO-8601/],
      ['attr=nocolon', /^attr must look like key:value/],
      ['servce=x', /^unknown parameter "servce"/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await get(`/api/logs?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.message, query).toMatch(message);
    }
    expect((await get('/api/logs/tail?severity=loud')).status).toBe(400);
    expect((await get('/api/logs/histogram?step=0')).status).toBe(400);
  });

  it('lists the services that wrote records in the window', async () => {
    expect((await get('/api/logs/services')).body.services).toEqual(['payments', 'shop-api']);
    expect((await get(`/api/logs/services?from=${Date.now() - 90_000}`)).body.services).toEqual(['shop-api']);
  });

  it('lists the logs of a trace and counts records per severity', async () => {
    const { body } = await get(`/api/traces/${TRACE}/logs`);
    expect(body.logs.map((l: Json) => l.body)).toEqual(['request 1 served', 'request 0 served']);
    const histogram = await get('/api/logs/histogram?step=1h');
    const totals = Object.fromEntries(
      histogram.body.series.map((s: Json) => [
        s.severity,
        s.points.reduce((n: number, p: number[]) => n + p[1]!, 0),
      ]),
    );
    expect(totals).toEqual({ info: 4, error: 1 });
  });
});

describe('GET /api/logs/tail', () => {
  it('streams a matching record inserted after connecting within 2 s, and ends when the client leaves', async () => {
    const tail = openTail('service=tail-svc&severity=warn');
    await tail.next('ready');
    const sent = Date.now();
    await insertLogRows(server.db, [
      { at: new Date(), body: 'too quiet', service: 'tail-svc', severityNumber: 9 },
      { at: new Date(), body: 'other service', service: 'shop-api', severityNumber: 17 },
      { at: new Date(), body: 'tail me', service: 'tail-svc', severityNumber: 13 },
    ]);
    const event = await tail.next('logs');
    expect(event.at - sent).toBeLessThan(2000);
    expect(JSON.parse(event.data).map((l: Json) => l.body)).toEqual(['tail me']);
    tail.abort.abort();
    await tail.done;
    // The server notices the client is gone and stops polling: no request stays in flight.
    const shutdown = (server as unknown as { shutdown: { inFlightRequests: number } }).shutdown;
    const deadline = Date.now() + 3000;
    while (shutdown.inFlightRequests > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(shutdown.inFlightRequests).toBe(0);
  });

  it('ends the stream when the server shuts down, without holding the shutdown up', async () => {
    const tail = openTail('');
    await tail.next('ready');
    const started = Date.now();
    const schema = server.db.schema;
    const kind = server.db.kind;
    stopped = true;
    const report = await server.close();
    await tail.done;
    expect(report.drained).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    if (kind === 'postgres') {
      const { openTestDatabase, disposeTestDatabase } = await import('../../helpers/testDatabase.js');
      await disposeTestDatabase(await openTestDatabase({ schema, migrated: false }));
    }
  });
});
