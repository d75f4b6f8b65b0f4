import { ValidationError } from '../errors.js';
import { healthStatus } from './aggregateProbe.js';
import type { HealthChecker, ProbeOptions } from './HealthChecker.js';
import type { HealthStatus } from './HealthStatus.js';
import { HEALTH_DEFAULTS } from './healthDefaults.js';
import { type HealthEndpoint, renderHealthResponse } from './renderHealthResponse.js';

/** A fetch-style handler: what `pgtel serve`, Hono, Bun, Deno or the node adapter can mount. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Options of `createHealthHandlers`. */
export interface HealthHandlerOptions {
  /** Show check names, messages and errors to every caller. Default false. */
  exposeDetails?: boolean;
  /**
   * Decides per request whether details may be shown (e.g. a token header). Throwing or taking
   * longer than the response deadline counts as "no". Default: nobody beyond `exposeDetails`.
   */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Every probe answers within this many milliseconds, whatever the checks do. Default 700. */
  responseDeadlineMs?: number;
}

/**
 * The probe endpoints of `createHealthHandlers`, as `(Request) => Promise<Response>` handlers and a route
 * table.
 */
export interface HealthHandlers {
  livez: FetchHandler;
  readyz: FetchHandler;
  startupz: FetchHandler;
  health: FetchHandler;
  /** Path to handler, for routers: `/livez`, `/readyz`, `/startupz`, `/health`. */
  routes: Readonly<Record<string, FetchHandler>>;
  /** Routes by path (query string ignored); `undefined` when the path is not a probe. */
  handle(request: Request): Promise<Response | undefined>;
}

const PROBES = { livez: 'liveness', readyz: 'readiness', startupz: 'startup', health: 'health' } as const;
const PLAIN = { 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' };
const FALSE_FLAGS = new Set(['false', '0', 'no']);

function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return /application\/(health\+)?json/i.test(accept);
}

function excluded(url: URL): string[] {
  return url.searchParams
    .getAll('exclude')
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
}

/** Resolves with `fallback` after `ms` when `work` has not settled (or rejects) by then. */
function within<T>(work: () => Promise<T> | T, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    Promise.resolve()
      .then(work)
      .then(resolve, () => resolve(fallback))
      .finally(() => clearTimeout(timer));
  });
}

/**
 * HTTP handlers for `/livez`, `/readyz`, `/startupz` and `/health`: 200 on pass and warn, 503 on fail
 * (never 500), GET and HEAD, `?verbose`, `?exclude=<check>`, `application/health+json` when asked for
 * (else plain text `ok`), `Cache-Control: no-store`, an answer within `responseDeadlineMs` (700 ms).
 */
export function createHealthHandlers(
  checker: HealthChecker,
  options: HealthHandlerOptions = {},
): HealthHandlers {
  const deadlineMs = options.responseDeadlineMs ?? HEALTH_DEFAULTS.responseDeadlineMs;
  if (!(deadlineMs > 0 && deadlineMs <= 60_000)) {
    throw new ValidationError(`responseDeadlineMs must be in (0, 60000] ms, got ${String(deadlineMs)}`);
  }
  const { authorize } = options;

  const showDetails = (request: Request): Promise<boolean> | boolean => {
    if (options.exposeDetails) return true;
    if (!authorize) return false;
    return within(async () => (await authorize(request)) === true, deadlineMs, false);
  };

  const probe = async (
    endpoint: HealthEndpoint,
    evaluate: (probe: ProbeOptions) => Promise<HealthStatus> | HealthStatus,
    request: Request,
  ): Promise<Response> => {
    const url = new URL(request.url);
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      return new Response('method not allowed\n', {
        status: 405,
        headers: { ...PLAIN, allow: 'GET, HEAD' },
      });
    }
    const timedOut = healthStatus(PROBES[endpoint], 'fail', 'Probe timed out', {}, Date.now());
    const [status, details] = await Promise.all([
      within(() => evaluate({ exclude: excluded(url) }), deadlineMs, timedOut),
      showDetails(request),
    ]);
    const verboseFlag = url.searchParams.get('verbose');
    const verbose = verboseFlag !== null && !FALSE_FLAGS.has(verboseFlag.toLowerCase());
    return renderHealthResponse(status, {
      endpoint,
      json: wantsJson(request),
      verbose,
      showDetails: details,
      head,
    });
  };

  const make =
    (
      endpoint: HealthEndpoint,
      evaluate: (probe: ProbeOptions) => Promise<HealthStatus> | HealthStatus,
    ): FetchHandler =>
    (request) =>
      // Whatever goes wrong, a probe answers 503, never 500.
      probe(endpoint, evaluate, request).catch(
        () => new Response(`${endpoint} check failed\n`, { status: 503, headers: PLAIN }),
      );

  const livez = make('livez', () => checker.liveness());
  const readyz = make('readyz', (probe) => checker.readiness(probe));
  const startupz = make('startupz', (probe) => checker.startup(probe));
  const health = make('health', (probe) => checker.health(probe));
  const routes: Record<string, FetchHandler> = {
    '/livez': livez,
    '/readyz': readyz,
    '/startupz': startupz,
    '/health': health,
  };

  return {
    livez,
    readyz,
    startupz,
    health,
    routes,
    async handle(request) {
      const handler = routes[new URL(request.url).pathname];
      return handler ? handler(request) : undefined;
    },
  };
}
