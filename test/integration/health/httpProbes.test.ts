import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseCheck } from '../../../src/health/checks/databaseCheck.js';
import { poolSaturationCheck } from '../../../src/health/checks/poolSaturationCheck.js';
import { GracefulShutdown } from '../../../src/health/GracefulShutdown.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { createHealthHandlers, type HealthHandlerOptions } from '../../../src/health/healthHandlers.js';
import { nodeHealthListener } from '../../../src/health/nodeHealthListener.js';
import { createLogger } from '../../../src/logger.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
// Generous bounds where the test is not about timeouts: the shared server may be busy.
const slowOk = { checkTimeoutMs: 5_000, probeDeadlineMs: 5_000 };
const slowDb = { timeoutMs: 5_000 };
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real node:http server with the probes mounted; returns its base URL. */
async function serve(
  checker: HealthChecker,
  options: HealthHandlerOptions = {},
  app?: (url: string, res: import('node:http').ServerResponse) => void,
): Promise<{ base: string; server: Server }> {
  const probes = nodeHealthListener(createHealthHandlers(checker, options));
  const server = createServer(app ? (req, res) => probes(req, res, () => app(req.url ?? '', res)) : probes);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

// A hung server would make the test fail here rather than hang.
const get = (url: string, init: RequestInit = {}) =>
  fetch(url, { signal: AbortSignal.timeout(10_000), ...init });

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('probes over real HTTP', () => {
  it('serves /livez /readyz /startupz /health with the database checks, GET and HEAD', async () => {
    const checker = new HealthChecker(slowOk);
    checker.addCheck(databaseCheck(ctx.db, slowDb)).addCheck(poolSaturationCheck(ctx.db));
    const { base } = await serve(checker, { exposeDetails: true, responseDeadlineMs: 5_000 });
    for (const path of ['/livez', '/readyz', '/startupz', '/health']) {
      const response = await get(`${base}${path}?ignored=1`);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe('ok\n');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const head = await get(`${base}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const json = (await (
      await get(`${base}/health`, { headers: { accept: 'application/health+json' } })
    ).json()) as { status: string; checks: { pool: { status: string }[] } };
    expect(json).toMatchObject({
      checks: { database: [{ status: 'pass' }], pool: [{ observedUnit: 'ratio' }] },
    });
    // PGlite has a single connection: the concurrent database check alone saturates it (warn).
    expect(json.status).toBe(ctx.db.kind === 'pglite' ? json.checks.pool[0]?.status : 'pass');
    expect((await get(`${base}/nope`)).status).toBe(404);
  });

  it('passes other paths to the next handler', async () => {
    const { base } = await serve(new HealthChecker(), {}, (_url, res) => res.writeHead(200).end('app'));
    expect(await (await get(`${base}/orders`)).text()).toBe('app');
  });

  it('100 concurrent probe requests during a slow check share one run and all get an answer', async () => {
    const slow = gate();
    let runs = 0;
    const checker = new HealthChecker({ checkTimeoutMs: 5_000, probeDeadlineMs: 5_000 });
    checker.addCheck({
      name: 'slow',
      check: async () => {
        runs++;
        await slow.promise;
      },
    });
    const { base, server } = await serve(checker, { responseDeadlineMs: 5_000 });
    let arrived = 0;
    const allArrived = new Promise<void>((resolve) => {
      server.on('request', () => {
        if (++arrived === 100) resolve();
      });
    });
    const all = Array.from({ length: 100 }, () => get(`${base}/readyz`));
    await allArrived;
    slow.open();
    const statuses = await Promise.all(all.map(async (r) => (await r).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(runs).toBe(1);
  });

  it('answers every probe with the default deadlines when every check hangs forever', async () => {
    const checker = new HealthChecker({ checkTimeoutMs: 60_000 });
    const never = () => new Promise<never>(() => {});
    checker.addCheck({ name: 'boot', probes: ['startup'], check: never });
    checker.addCheck({ name: 'dependency', check: never });
    const { base } = await serve(checker);
    const answers = await Promise.all(
      ['/livez', '/readyz', '/startupz', '/health'].map(
        async (path) => `${path} ${(await get(`${base}${path}`)).status}`,
      ),
    );
    expect(answers).toEqual(['/livez 200', '/readyz 503', '/startupz 503', '/health 503']);
  });

  it('redacts secrets from a real database error in the body', async () => {
    const checker = new HealthChecker(slowOk);
    checker.addCheck(
      databaseCheck(ctx.db, { ...slowDb, sql: `SELECT 'postgres://app:hunter2@db:5432/x'::int` }),
    );
    const { base } = await serve(checker, { exposeDetails: true, responseDeadlineMs: 5_000 });
    const response = await get(`${base}/readyz?verbose`);
    const body = await response.text();
    expect(response.status).toBe(503);
    expect(body).toMatch(/\[-\]database failed: Connection failed: .*postgres:\/\/app:\*\*\*@db/);
    expect(body).not.toContain('hunter2');
  });

  it('during shutdown: readiness 503 and liveness 200 while an in-flight request drains', async () => {
    const checker = new HealthChecker(slowOk);
    checker.addCheck(databaseCheck(ctx.db, slowDb));
    const release = gate();
    let inFlight!: () => void;
    const started = new Promise<void>((resolve) => {
      inFlight = resolve;
    });
    const { base, server } = await serve(checker, {}, (_url, res) => {
      inFlight();
      void release.promise.then(() => res.writeHead(200).end('slow done'));
    });
    const shutdown = new GracefulShutdown({
      checker,
      readinessDelayMs: 0,
      drainTimeoutMs: 10_000,
      exit: false,
      logger: createLogger('silent'),
    }).trackServer(server);
    const slow = get(`${base}/work`);
    await started;
    const done = shutdown.shutdown('test');
    expect((await get(`${base}/readyz`)).status).toBe(503);
    const live = await get(`${base}/livez`);
    expect(live.status).toBe(200);
    expect(live.headers.get('connection')).toBe('close');
    release.open();
    expect(await (await slow).text()).toBe('slow done');
    expect(await done).toMatchObject({ drained: true, exitCode: 0 });
    expect(server.listening).toBe(false);
  });
});
