import { Hono } from 'hono';
import type { PgtelConfig } from '../config.js';
import type { HealthHandlers } from '../health/healthHandlers.js';
import type { Logger } from '../logger.js';
import {
  type ExpositionFormat,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from '../metrics/renderPrometheus.js';
import { IngestBudget } from '../otlp/IngestBudget.js';
import { hasBearerToken } from './bearerAuth.js';
import { HostAllowList } from './HostAllowList.js';
import { errorResponse, responseForError } from './httpError.js';
import { createOtlpHandlers, type OtlpSinks } from './otlpHandlers.js';
import { createRemoteWriteHandler, type RemoteWriteSink } from './remoteWriteHandler.js';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { serveStatic } from './serveStatic.js';

export interface AppDeps {
  config: Pick<PgtelConfig, 'apiToken' | 'authScopes' | 'maxBodyBytes'> &
    Partial<
      Pick<
        PgtelConfig,
        | 'ingestDeadlineMs'
        | 'ingestMemoryBytes'
        | 'maxItemsPerRequest'
        | 'maxJsonDepth'
        | 'host'
        | 'publicUrl'
        | 'allowedHosts'
      >
    >;
  health: HealthHandlers;
  /** Exposition of pgtel's own and the collector's metrics, in the format the scraper asked for. */
  renderMetrics(format: ExpositionFormat): string | Promise<string>;
  otlp: OtlpSinks;
  /** Where Prometheus remote write (`POST /api/v1/write`) stores; without it the route is absent. */
  remoteWrite?: RemoteWriteSink;
  /** The JSON API, mounted under `/api`. */
  api?: Hono;
  /** Folder of the dashboard's static files, served at `/`. */
  webRoot?: string;
  /** Third-party browser files of the dashboard, mounted under `/vendor`. */
  vendor?: Hono;
  /** Where 5xx answers are logged once each, with their cause. Default: not logged. */
  logger?: Logger;
  /**
   * In-flight decompressed bytes shared by every ingest protocol of the process. Default: a budget
   * of `config.ingestMemoryBytes` (256 MiB) for this app alone.
   */
  ingestBudget?: IngestBudget;
}

/** Prometheus remote write's path, as Prometheus itself serves it. */
const REMOTE_WRITE_PATH = '/api/v1/write';
const PROBE_PATHS = new Set(['/livez', '/readyz', '/startupz', '/health']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** OpenMetrics when the Accept header lists `application/openmetrics-text` (q above 0), else Prometheus 0.0.4. */
export function expositionFormat(accept: string | undefined): ExpositionFormat {
  for (const range of (accept ?? '').toLowerCase().split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim());
    if (type !== 'application/openmetrics-text') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return 'openmetrics';
  }
  return 'prometheus';
}

/** Which guarded group a path belongs to (see the `authScopes` option). */
export function scopeOf(path: string): 'probes' | 'metrics' | 'ingest' | 'api' | 'dashboard' {
  if (PROBE_PATHS.has(path)) return 'probes';
  if (path === '/metrics') return 'metrics';
  if (path.startsWith('/v1/') || path === REMOTE_WRITE_PATH) return 'ingest';
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  return 'dashboard';
}

/**
 * The whole HTTP surface of `pgtel serve` as a fetch handler `(Request) => Promise<Response>`:
 * probes, `/metrics`, OTLP/HTTP ingest, the JSON API and the dashboard. Testable without a socket.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { apiToken, authScopes, maxBodyBytes } = deps.config;
  const hosts = new HostAllowList({
    host: deps.config.host ?? '127.0.0.1',
    publicUrl: deps.config.publicUrl,
    allowedHosts: deps.config.allowedHosts ?? [],
    apiToken,
    authScopes,
  });

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    const scope = scopeOf(c.req.path);
    // Only what a browser page shows or changes is checked: ingest, probes and /metrics are reached
    // by exporters, kubelets and scrapers under service DNS names, answer nothing a page could use,
    // and ingest is guarded by the token where that matters.
    if (scope !== 'api' && scope !== 'dashboard') return next();
    const authority = c.req.header('host') ?? new URL(c.req.url).host;
    if (!hosts.allows(authority)) {
      return errorResponse(
        421,
        'PGTEL_MISDIRECTED_REQUEST',
        `host ${JSON.stringify(authority)} is not served here; add it to allowedHosts (PGTEL_ALLOWED_HOSTS) or set publicUrl`,
      );
    }
    const refusal =
      scope === 'api' && STATE_CHANGING.has(c.req.method) ? hosts.crossSiteRefusal(c.req.raw) : undefined;
    if (refusal) return errorResponse(403, 'PGTEL_CROSS_SITE', refusal);
    await next();
  });
  app.use('*', async (c, next) => {
    if (apiToken && authScopes.includes(scopeOf(c.req.path)) && !hasBearerToken(c.req.raw, apiToken)) {
      return errorResponse(401, 'PGTEL_UNAUTHORIZED', 'missing or wrong bearer token', {
        'www-authenticate': 'Bearer',
      });
    }
    await next();
  });
  app.onError((error, c) => responseForError(error, { logger: deps.logger, request: c.req.raw }));
  app.notFound((c) => errorResponse(404, 'PGTEL_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));

  for (const path of PROBE_PATHS) {
    const handler = deps.health.routes[path]!;
    app.on(['GET', 'HEAD'], path, (c) => handler(c.req.raw));
  }
  app.get('/metrics', async (c) => {
    const format = expositionFormat(c.req.header('accept'));
    return new Response(await deps.renderMetrics(format), {
      headers: {
        'content-type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
        'cache-control': 'no-store',
        vary: 'accept',
      },
    });
  });
  const guard = {
    deadlineMs: deps.config.ingestDeadlineMs,
    budget: deps.ingestBudget ?? new IngestBudget(deps.config.ingestMemoryBytes),
    maxItems: deps.config.maxItemsPerRequest,
    maxJsonDepth: deps.config.maxJsonDepth,
    logger: deps.logger,
  };
  const otlp = createOtlpHandlers(deps.otlp, maxBodyBytes, guard);
  app.post('/v1/traces', (c) => otlp.traces(c.req.raw));
  app.post('/v1/metrics', (c) => otlp.metrics(c.req.raw));
  app.post('/v1/logs', (c) => otlp.logs(c.req.raw));
  if (deps.remoteWrite) {
    const remoteWrite = createRemoteWriteHandler(deps.remoteWrite, maxBodyBytes, guard);
    app.post(REMOTE_WRITE_PATH, (c) => remoteWrite(c.req.raw));
  }
  if (deps.api) app.route('/api', deps.api);
  for (const path of [...PROBE_PATHS, '/metrics', '/v1/traces', '/v1/metrics', '/v1/logs']) {
    app.all(path, (c) =>
      errorResponse(405, 'PGTEL_METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${path}`),
    );
  }
  if (deps.vendor) app.route('/vendor', deps.vendor);
  if (deps.webRoot) {
    const webRoot = deps.webRoot;
    app.get('*', async (c) => (await serveStatic(webRoot, c.req.path)) ?? c.notFound());
  }
  return app;
}
