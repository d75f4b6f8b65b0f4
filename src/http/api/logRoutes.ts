import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { systemClock } from '../../clock.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keysetCursor.js';
import { LogTail } from '../../logs/LogTail.js';
import type { LogFilter } from '../../logs/logFilterSql.js';
import {
  listLogServices,
  logSeverityHistogram,
  logsOfTrace,
  logsSince,
  searchLogs,
} from '../../logs/logQueries.js';
import type { ApiDeps } from './ApiDeps.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { seriesStep, timeWindow } from './timeWindow.js';

const HOUR = 3_600_000;

/** How often a live tail polls, and how often it sends a heartbeat when nothing arrives. */
export interface TailTiming {
  /** Default 250 ms. */
  pollMs?: number;
  /** Default 15 s: below the idle timeouts of proxies and load balancers. */
  heartbeatMs?: number;
}

/** The filters every log route reads (`service`, `severity`, `q`, `traceId`, `spanId`, `attr`). */
function logFilter(params: QueryParams): LogFilter {
  return {
    service: params.string('service', 256),
    severity: params.string('severity', 16),
    q: params.string('q'),
    traceId: params.string('traceId', 64),
    spanId: params.string('spanId', 32),
    attributes: params.pairs('attr', 5),
  };
}

/**
 * `/logs` (search, newest first), `/logs/services`, `/logs/histogram` (counts per severity over time), `/logs/tail`
 * (Server-Sent Events of the records stored from the moment of connecting) and `/traces/:traceId/logs`.
 */
export function logRoutes(deps: ApiDeps, timing: TailTiming = {}): Hono {
  const clock = deps.clock ?? systemClock;
  const pollMs = timing.pollMs ?? 250;
  const heartbeatMs = timing.heartbeatMs ?? 15_000;
  const app = new Hono();

  app.get('/logs', async (c) => {
    const params = QueryParams.of(c.req.url);
    const search = {
      ...timeWindow(params, clock, HOUR),
      ...logFilter(params),
      limit: params.integer('limit', 1, 1000, 100),
      after: decodeKeysetCursor(params.string('cursor'), (id) => /^-?\d{1,19}$/.test(id)),
    };
    params.done();
    const page = await readOnlyQuery(deps, (tx) => searchLogs(tx, search));
    return c.json({ logs: page.logs, nextCursor: page.nextCursor && encodeKeysetCursor(page.nextCursor) });
  });

  app.get('/logs/services', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    params.done();
    return c.json({ services: await readOnlyQuery(deps, (tx) => listLogServices(tx, window)) });
  });

  app.get('/logs/histogram', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const filter = { ...window, ...logFilter(params) };
    const stepMs = seriesStep(window, params.duration('step'));
    params.done();
    return c.json(await readOnlyQuery(deps, (tx) => logSeverityHistogram(tx, filter, stepMs)));
  });

  app.get('/logs/tail', async (c) => {
    const params = QueryParams.of(c.req.url);
    const filter = logFilter(params);
    params.done();
    // Checks the filters before the stream starts, so a bad one is a 400, not an event.
    await readOnlyQuery(deps, (tx) => logsSince(tx, filter, clock.now() * 1000, 1));
    const tail = new LogTail(clock.now() * 1000);
    return streamSSE(c, async (stream) => {
      let open = true;
      let timer: NodeJS.Timeout | undefined;
      let wake = () => {};
      // A client leaving ends the wait at once: no poll, no timer outlives the request.
      stream.onAbort(() => {
        open = false;
        clearTimeout(timer);
        wake();
      });
      const pause = () =>
        new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, pollMs);
        });
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ since: new Date(clock.now()) }) });
      let quietSince = Date.now();
      // Ends when the client goes away, or at once when the server starts shutting down.
      while (open && !deps.health.shuttingDown) {
        const limit = 1000;
        const rows = await readOnlyQuery(deps, (tx) => logsSince(tx, filter, tail.floorMicros, limit));
        const fresh = tail.accept(rows, rows.length === limit);
        if (fresh.length > 0) {
          await stream.writeSSE({ event: 'logs', data: JSON.stringify(fresh) });
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          quietSince = Date.now();
        }
        if (open) await pause();
      }
    });
  });

  app.get('/traces/:traceId/logs', async (c) => {
    const traceId = c.req.param('traceId');
    QueryParams.of(c.req.url).done();
    return c.json({ logs: await readOnlyQuery(deps, (tx) => logsOfTrace(tx, traceId)) });
  });

  return app;
}
