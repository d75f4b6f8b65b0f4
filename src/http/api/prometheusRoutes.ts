import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { PgSampleSource } from '../../promql/PgSampleSource.js';
import {
  type ApiAnswer,
  type ApiContext,
  type ApiForm,
  apiLabels,
  apiLabelValues,
  apiQuery,
  apiQueryExemplars,
  apiQueryRange,
  apiSeries,
  requestTimeoutMs,
} from '../../promql/prometheusApi.js';
import { prometheusMetadata } from '../../promql/prometheusMetadata.js';
import { readBody } from '../readBody.js';
import type { ApiDeps } from './ApiDeps.js';
import { prometheusError, prometheusSuccess } from './prometheusResponse.js';

/** The Prometheus release whose HTTP API this one follows (clients pick features by it). */
const PROMETHEUS_VERSION = '2.53.0';
const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_BYTES = 1 << 20;

/** The query string, plus the body of a form-encoded POST (as Prometheus's `r.ParseForm`). */
async function readForm(request: Request): Promise<URLSearchParams> {
  const form = new URL(request.url).searchParams;
  if (request.method !== 'POST') return form;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM) return form;
  const body = new URLSearchParams(new TextDecoder().decode(await readBody(request, MAX_FORM_BYTES)));
  for (const [key, value] of body) form.append(key, value);
  return form;
}

/**
 * Prometheus's HTTP API over pgtel's tables, to mount at `/api/v1` (docs/api.md): instant and range
 * queries, series, labels, label values, metadata, exemplars and the status pages Grafana reads.
 * GET and form-encoded POST alike; answers and errors in Prometheus's JSON shapes. Each request runs
 * in a READ ONLY transaction whose statement timeout is the query's (`timeout`, at most
 * `queryTimeoutMs`).
 */
export function prometheusRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const startedAt = new Date(clock.now()).toISOString();
  const app = new Hono();
  app.onError((error, c) => prometheusError(error, { logger: deps.logger, request: c.req.raw }));

  /** Reads the form, runs `read` in a read-only transaction over PgSampleSource, renders the answer. */
  const route =
    (read: (ctx: ApiContext, form: ApiForm, tx: DatabaseSession) => Promise<ApiAnswer<unknown>>) =>
    async (c: { req: { raw: Request } }) => {
      const form = await readForm(c.req.raw);
      const timeoutMs = requestTimeoutMs(form, deps.config.queryTimeoutMs);
      const answer = await deps.db.transaction(
        (tx) => read({ source: new PgSampleSource(tx), nowMs: clock.now(), timeoutMs }, form, tx),
        { readOnly: true, statementTimeoutMs: timeoutMs },
      );
      return prometheusSuccess(answer);
    };

  for (const method of ['get', 'post'] as const) {
    app[method]('/query', route(apiQuery));
    app[method]('/query_range', route(apiQueryRange));
    app[method]('/series', route(apiSeries));
    app[method]('/labels', route(apiLabels));
    app[method]('/query_exemplars', route(apiQueryExemplars));
  }
  app.get('/label/:name/values', (c) =>
    route((ctx, form) => apiLabelValues(ctx, c.req.param('name'), form))(c),
  );
  app.get(
    '/metadata',
    route((_ctx, form, tx) => prometheusMetadata(tx, form)),
  );
  app.get('/status/buildinfo', (c) =>
    c.json({
      status: 'success',
      data: {
        version: PROMETHEUS_VERSION,
        revision: '',
        branch: '',
        buildUser: 'pgtel',
        buildDate: '',
        goVersion: '',
        application: 'pgtel',
      },
    }),
  );
  app.get('/status/runtimeinfo', (c) =>
    c.json({
      status: 'success',
      data: {
        startTime: startedAt,
        CWD: '',
        reloadConfigSuccess: true,
        lastConfigTime: startedAt,
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 0,
        GOGC: '',
        GODEBUG: '',
        storageRetention: '',
      },
    }),
  );
  return app;
}
