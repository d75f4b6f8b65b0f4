import { Hono } from 'hono';
import { errorResponse, responseForError } from '../httpError.js';
import type { ApiDeps } from './ApiDeps.js';
import { alertRoutes } from './alertRoutes.js';
import { healthRoutes } from './healthRoutes.js';
import { logRoutes } from './logRoutes.js';
import { metricRoutes } from './metricRoutes.js';
import { prometheusRoutes } from './prometheusRoutes.js';
import { QueryParams } from './QueryParams.js';
import { serviceGraphRoutes } from './serviceGraphRoutes.js';
import { statusRoutes } from './statusRoutes.js';
import { telemetryEnv } from './telemetryEnv.js';
import { traceExemplarRoutes } from './traceExemplarRoutes.js';
import { traceRoutes } from './traceRoutes.js';
import { workflowRoutes } from './workflowRoutes.js';

export type { ApiDeps } from './ApiDeps.js';

/**
 * The JSON API of `pgtel serve`, to mount under `/api` (see docs/api.md): traces, services and
 * operations, logs (search, histogram, live tail), metrics, workflows, alerts and silences, health,
 * the schema status, the telemetry environment lines and Prometheus's HTTP API under `/v1` (its own answer and error
 * shapes).
 * Every read runs READ ONLY with the `queryTimeoutMs` statement timeout; every parameter is validated
 * (400 `{ error: { code, message } }`) and reaches SQL only as a bound parameter.
 */
export function createApiRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.onError((error, c) => responseForError(error, { logger: deps.logger, request: c.req.raw }));
  app.notFound((c) => errorResponse(404, 'PGTEL_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
  app.use('*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  app.route('/', serviceGraphRoutes(deps));
  app.route('/', traceRoutes(deps));
  app.route('/', traceExemplarRoutes(deps));
  app.route('/', logRoutes(deps));
  app.route('/metrics', metricRoutes(deps));
  app.route('/workflows', workflowRoutes(deps));
  app.route('/', alertRoutes(deps));
  app.route('/health', healthRoutes(deps));
  app.route('/status', statusRoutes(deps));
  app.route('/v1', prometheusRoutes(deps));
  app.get('/telemetry-env', (c) => {
    QueryParams.of(c.req.url).done();
    const { apiToken, authScopes } = deps.config;
    return c.json(
      telemetryEnv(new URL(c.req.url).origin, apiToken !== undefined && authScopes.includes('ingest')),
    );
  });
  return app;
}
