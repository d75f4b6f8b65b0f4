import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keysetCursor.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { alertsOfTrace } from '../../links/alertsOfTrace.js';
import { workflowsOfTrace } from '../../links/workflowsOfTrace.js';
import { isValidTraceId } from '../../tracing/ids.js';
import { getTrace, listOperations, listServices, searchTraces } from '../../tracing/traceQueries.js';
import type { ApiDeps } from './ApiDeps.js';
import type { ApiBodies } from './contract.js';
import { flattenSpanTree } from './flattenSpanTree.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { timeWindow } from './timeWindow.js';

const HOUR = 3_600_000;
/** Spans shown of one trace; a bigger trace is cut (and says so). */
const MAX_TRACE_SPANS = 5000;

/**
 * `/services`, `/operations`, `/traces` (search), `/traces/:traceId` (one trace as a waterfall) and
 * the trace's links: `/traces/:traceId/workflows` and `/traces/:traceId/alerts`.
 */
export function traceRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/services', async (c) => {
    QueryParams.of(c.req.url).done();
    return c.json({
      services: await readOnlyQuery(deps, (tx) => listServices(tx)),
    } satisfies ApiBodies['GET /services']);
  });

  app.get('/operations', async (c) => {
    const params = QueryParams.of(c.req.url);
    const service = params.string('service', 256);
    params.done();
    if (service === undefined)
      throw new ValidationError('service is required: /api/operations?service=<name>');
    return c.json({
      service,
      operations: await readOnlyQuery(deps, (tx) => listOperations(tx, service)),
    } satisfies ApiBodies['GET /operations']);
  });

  app.get('/traces', async (c) => {
    const params = QueryParams.of(c.req.url);
    const search = {
      ...timeWindow(params, clock, HOUR),
      service: params.string('service', 256),
      operation: params.string('operation', 512),
      status: params.oneOf('status', ['unset', 'ok', 'error'] as const),
      minDurationMs: params.nonNegative('minDurationMs'),
      maxDurationMs: params.nonNegative('maxDurationMs'),
      attributes: params.pairs('attr', 5),
      limit: params.integer('limit', 1, 200, 20),
      after: decodeKeysetCursor(params.string('cursor'), isValidTraceId),
    };
    params.done();
    const page = await readOnlyQuery(deps, (tx) => searchTraces(tx, search));
    return c.json({
      traces: page.traces,
      nextCursor: page.nextCursor && encodeKeysetCursor(page.nextCursor),
    } satisfies ApiBodies['GET /traces']);
  });

  app.get('/traces/:traceId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    QueryParams.of(c.req.url).done();
    const { trace, workflows } = await readOnlyQuery(deps, async (tx) => ({
      trace: await getTrace(tx, traceId, { maxSpans: MAX_TRACE_SPANS }),
      workflows: await workflowsOfTrace(tx, traceId),
    }));
    if (!trace) throw new NotFoundError(`trace ${traceId} not found`);
    const { roots, ...summary } = trace;
    const spans = flattenSpanTree(roots);
    return c.json({
      ...summary,
      errorCount: spans.filter((s) => s.status === 'error').length,
      workflows,
      spans,
    } satisfies ApiBodies['GET /traces/:traceId']);
  });

  // Links stand without stored spans (sampled out, pruned): an unknown trace has none, not a 404.
  app.get('/traces/:traceId/workflows', async (c) => {
    const traceId = c.req.param('traceId');
    QueryParams.of(c.req.url).done();
    return c.json({ workflows: await readOnlyQuery(deps, (tx) => workflowsOfTrace(tx, traceId)) });
  });

  app.get('/traces/:traceId/alerts', async (c) => {
    const traceId = c.req.param('traceId');
    QueryParams.of(c.req.url).done();
    return c.json({ alerts: await readOnlyQuery(deps, (tx) => alertsOfTrace(tx, traceId)) });
  });

  return app;
}
