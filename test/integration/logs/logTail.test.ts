import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { logRoutes } from '../../../src/http/api/logRoutes.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

/** The log routes with a fast poll and heartbeat, answering in process. */
function app() {
  const deps = {
    db: ctx.db,
    health: new HealthChecker(),
    config: { queryTimeoutMs: 5000, apiToken: undefined, authScopes: [] },
  };
  return new Hono().route('/api', logRoutes(deps, { pollMs: 50, heartbeatMs: 300 }));
}

/** Reads the raw event stream into `text` until aborted. */
async function openTail(query: string) {
  const abort = new AbortController();
  const response = await app().fetch(
    new Request(`http://pgtel.test/api/logs/tail?${query}`, { signal: abort.signal }),
  );
  expect(response.status).toBe(200);
  const state = { text: '' };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      state.text += value;
    }
  })();
  const waitFor = async (pattern: RegExp, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(state.text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(state.text)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const close = async () => {
    await reader.cancel();
    await reading.catch(() => {});
  };
  return { state, waitFor, close };
}

describe('the live tail', () => {
  it('sends a record stored late (older than one already sent) once, and heartbeats when quiet', async () => {
    const tail = await openTail('service=late-svc');
    await tail.waitFor(/event: ready/);
    const now = Date.now();
    await insertLogRows(ctx.db, [{ at: new Date(now + 500), body: 'first stored', service: 'late-svc' }]);
    await tail.waitFor(/first stored/);
    // Happened before "first stored" but stored after it was sent, as a batching writer does.
    await insertLogRows(ctx.db, [{ at: new Date(now + 200), body: 'stored late', service: 'late-svc' }]);
    await tail.waitFor(/stored late/);
    await tail.waitFor(/: heartbeat\n\n/);
    await tail.close();
    expect(tail.state.text.match(/first stored/g)).toHaveLength(1);
    expect(tail.state.text.match(/stored late/g)).toHaveLength(1);
  });

  it('never sends what was stored before it started', async () => {
    await insertLogRows(ctx.db, [
      { at: new Date(Date.now() - 1000), body: 'before the tail', service: 'early-svc' },
    ]);
    const tail = await openTail('service=early-svc');
    await tail.waitFor(/event: ready/);
    await insertLogRows(ctx.db, [
      { at: new Date(Date.now() + 100), body: 'after the tail', service: 'early-svc' },
    ]);
    await tail.waitFor(/after the tail/);
    await tail.close();
    expect(tail.state.text).not.toContain('before the tail');
  });
});
