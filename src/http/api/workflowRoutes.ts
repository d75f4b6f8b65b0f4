import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keysetCursor.js';
import { NotFoundError } from '../../errors.js';
import { alertsOfWorkflow } from '../../links/alertsOfWorkflow.js';
import { tracesOfWorkflow } from '../../links/tracesOfWorkflow.js';
import { WORKFLOW_STATUSES } from '../../workflows/WorkflowDefinition.js';
import { isWorkflowId, parseWorkflowId } from '../../workflows/workflowInput.js';
import { findWorkflows, readWorkflow, workflowDetail } from '../../workflows/workflowQueries.js';
import type { ApiDeps } from './ApiDeps.js';
import type { ApiBodies } from './contract.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';

/** A workflow's links, read by `read`; NotFoundError when there are none and no such workflow. */
async function linksOf<T>(
  tx: DatabaseSession,
  workflowId: string,
  read: (tx: DatabaseSession, workflowId: string) => Promise<T[]>,
): Promise<T[]> {
  const found = await read(tx, workflowId);
  if (found.length === 0 && !(await readWorkflow(tx, workflowId)))
    throw new NotFoundError(`workflow ${workflowId} not found`);
  return found;
}

/**
 * `/workflows`: the filtered, paginated list, one workflow with history and phase durations, and its
 * links: `/workflows/:id/traces` and `/workflows/:id/alerts`.
 */
export function workflowRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/', async (c) => {
    const params = QueryParams.of(c.req.url);
    const status = params.oneOf('status', WORKFLOW_STATUSES);
    const type = params.string('type', 200);
    const stuck = params.boolean('stuck');
    const correlationId = params.string('correlationId', 64);
    const limit = params.integer('limit', 1, 500, 50);
    const after = decodeKeysetCursor(params.string('cursor'), isWorkflowId);
    params.done();
    const page = await readOnlyQuery(deps, (tx) =>
      findWorkflows(tx, { status, type, stuck, correlationId, after, limit }),
    );
    return c.json({
      workflows: page.workflows,
      nextCursor: page.nextCursor && encodeKeysetCursor(page.nextCursor),
    } satisfies ApiBodies['GET /workflows']);
  });

  app.get('/:id', async (c) => {
    const id = parseWorkflowId(c.req.param('id'));
    QueryParams.of(c.req.url).done();
    const detail = await readOnlyQuery(deps, (tx) => workflowDetail(tx, id, clock.now()));
    return c.json(detail satisfies ApiBodies['GET /workflows/:id']);
  });

  app.get('/:id/traces', async (c) => {
    const id = parseWorkflowId(c.req.param('id'));
    QueryParams.of(c.req.url).done();
    return c.json({ traces: await readOnlyQuery(deps, (tx) => linksOf(tx, id, tracesOfWorkflow)) });
  });

  app.get('/:id/alerts', async (c) => {
    const id = parseWorkflowId(c.req.param('id'));
    QueryParams.of(c.req.url).done();
    return c.json({ alerts: await readOnlyQuery(deps, (tx) => linksOf(tx, id, alertsOfWorkflow)) });
  });

  return app;
}
