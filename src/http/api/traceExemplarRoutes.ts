import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { isValidTraceId } from '../../tracing/ids.js';
import type { ApiDeps } from './ApiDeps.js';
import { exemplarsOfTrace } from './exemplarsOfTrace.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { timeWindow } from './timeWindow.js';

/**
 * `/traces/:traceId/exemplars?from&to`: the metric observations made in the trace's spans during
 * [from, to] (the trace's start and end; default the last hour), for the span details' links to metrics.
 */
export function traceExemplarRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();
  app.get('/traces/:traceId/exemplars', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    if (!isValidTraceId(traceId)) throw new ValidationError('traceId must be 32 lowercase hex digits');
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, 3_600_000);
    params.done();
    return c.json({ exemplars: await readOnlyQuery(deps, (tx) => exemplarsOfTrace(tx, traceId, window)) });
  });
  return app;
}
