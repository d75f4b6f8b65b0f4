import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { WORKFLOW_STATUSES } from '../../workflows/WorkflowDefinition.js';
import { parseCorrelationId, parseWorkflowId } from '../../workflows/workflowInput.js';
import type { ApiDeps } from './ApiDeps.js';
import { decodeCursor, encodeCursor } from './pageCursor.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { findWorkflows, workflowDetail } from './workflowQueries.js';

/** `/workflows`: the filtered, paginated list and one workflow with history and phase durations. */
export function workflowRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/', async (c) => {
    const params = QueryParams.of(c.req.url);
    const status = params.oneOf('status', WORKFLOW_STATUSES);
    const type = params.string('type', 200);
    const stuck = params.boolean('stuck');
    const correlation = params.string('correlationId', 64);
    const limit = params.integer('limit', 1, 500, 50);
    const after = decodeCursor(params.string('cursor'));
    params.done();
    const correlationId = correlation === undefined ? undefined : parseCorrelationId(correlation);
    const page = await readOnlyQuery(deps, (tx) =>
      findWorkflows(tx, { status, type, stuck, correlationId, after, limit }),
    );
    return c.json({
      workflows: page.workflows,
      nextCursor: page.nextCursor && encodeCursor(page.nextCursor),
    });
  });

  app.get('/:id', async (c) => {
    const id = parseWorkflowId(c.req.param('id'));
    QueryParams.of(c.req.url).done();
    return c.json(await readOnlyQuery(deps, (tx) => workflowDetail(tx, id, clock.now())));
  });

  return app;
}
