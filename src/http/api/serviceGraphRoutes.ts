import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { serviceGraph } from '../../tracing/serviceGraph.js';
import type { ApiDeps } from './ApiDeps.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { timeWindow } from './timeWindow.js';

/**
 * `/services/graph?from&to` (default: the last hour): the service map, each edge a caller and callee
 * with calls, request rate, error rate and p95 latency, each service with its calls in and out.
 */
export function serviceGraphRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();
  app.get('/services/graph', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, 3_600_000);
    params.done();
    return c.json(await readOnlyQuery(deps, (tx) => serviceGraph(tx, window)));
  });
  return app;
}
