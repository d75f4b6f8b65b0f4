import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { isValidTraceId } from '../../tracing/ids.js';
import type { ApiDeps } from './ApiDeps.js';
import { decodeCursor, encodeCursor } from './pageCursor.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { orderSpanTree } from './spanTree.js';
import { timeWindow } from './timeWindow.js';
import { listOperations, listServices, searchTraces, traceSpans } from './traceQueries.js';

const HOUR = 3_600_000;
/** Spans shown of one trace; a bigger trace is cut (and says so). */
const MAX_TRACE_SPANS = 5000;

/** `/services`, `/operations`, `/traces` (search) and `/traces/:traceId` (one trace as a tree). */
export function traceRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/services', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, 24 * HOUR);
    params.done();
    return c.json({ services: await readOnlyQuery(deps, (tx) => listServices(tx, window)) });
  });

  app.get('/operations', async (c) => {
    const params = QueryParams.of(c.req.url);
    const service = params.string('service', 256);
    const window = timeWindow(params, clock, 24 * HOUR);
    params.done();
    return c.json({ operations: await readOnlyQuery(deps, (tx) => listOperations(tx, window, service)) });
  });

  app.get('/traces', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const search = {
      window,
      service: params.string('service', 256),
      operation: params.string('operation', 512),
      status: params.oneOf('status', ['unset', 'ok', 'error'] as const),
      minDurationMs: params.nonNegative('minDurationMs'),
      maxDurationMs: params.nonNegative('maxDurationMs'),
      attributes: params.pairs('attr', 5),
      limit: params.integer('limit', 1, 200, 20),
      after: decodeCursor(params.string('cursor')),
    };
    params.done();
    if (
      search.minDurationMs !== undefined &&
      search.maxDurationMs !== undefined &&
      search.minDurationMs > search.maxDurationMs
    )
      throw new ValidationError('minDurationMs must not be above maxDurationMs');
    const page = await readOnlyQuery(deps, (tx) => searchTraces(tx, search));
    return c.json({ traces: page.traces, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) });
  });

  app.get('/traces/:traceId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    if (!isValidTraceId(traceId))
      throw new ValidationError('trace id must be 32 hex characters, not all zeros');
    QueryParams.of(c.req.url).done();
    const { spans, workflows } = await readOnlyQuery(deps, (tx) =>
      traceSpans(tx, traceId, MAX_TRACE_SPANS + 1),
    );
    if (spans.length === 0)
      return c.json({ error: { code: 'PGTEL_NOT_FOUND', message: `trace ${traceId} not found` } }, 404);
    const kept = spans.slice(0, MAX_TRACE_SPANS);
    const start = Date.parse(kept[0]!.startTime);
    const durationMs = Math.max(...kept.map((s) => s.offsetMs + s.durationMs));
    return c.json({
      traceId,
      startTime: kept[0]!.startTime,
      durationMs,
      endTime: new Date(start + durationMs).toISOString(),
      spanCount: kept.length,
      errorCount: kept.filter((s) => s.status === 'error').length,
      services: [...new Set(kept.map((s) => s.serviceName))].sort(),
      truncated: spans.length > MAX_TRACE_SPANS,
      workflows,
      spans: orderSpanTree(kept),
    });
  });

  return app;
}
