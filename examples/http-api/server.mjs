// An HTTP API on plain node:http, instrumented with pgtel: one span and one latency observation per
// request, probes on /livez /readyz /startupz, and a graceful shutdown that flushes telemetry before
// the database closes. Run it with `node examples/http-api/server.mjs` after `npm run build`.
import http from 'node:http';
import {
  createHealthHandlers,
  databaseCheck,
  GracefulShutdown,
  HealthChecker,
  MetricsCollector,
  migrate,
  migrationsCheck,
  nodeHealthListener,
  openDatabase,
  resolveConfig,
  setupTracing,
  TracingContext,
  withRemoteParent,
} from 'pgtel';

const config = resolveConfig(); // PGTEL_DATABASE_URL / DATABASE_URL, else embedded PGlite in PGTEL_DATA_DIR
const db = await openDatabase(config);
await migrate(db);

const tracing = await setupTracing({ serviceName: 'orders-api', db });
const metrics = new MetricsCollector({ db });
const requests = metrics.createCounter('http_requests_total', { description: 'Requests answered' });
const latency = metrics.createHistogram('http_request_duration_ms', {
  description: 'Time to answer a request',
  unit: 'ms',
});

const orders = new Map([
  ['1', { id: '1', item: 'tea', quantity: 2 }],
  ['2', { id: '2', item: 'coffee', quantity: 1 }],
]);

/** The routes of the application: a tiny read-only orders API, by method and route template. */
const routes = [
  {
    method: 'GET',
    template: '/orders',
    pattern: /^\/orders$/,
    async handle() {
      // A real app would query its own tables here; the span shows the time it took.
      await db.query('SELECT pg_sleep(0.005)');
      return [200, [...orders.values()]];
    },
  },
  {
    method: 'GET',
    template: '/orders/:id',
    pattern: /^\/orders\/([^/]+)$/,
    async handle([id]) {
      const order = orders.get(id);
      return order ? [200, order] : [404, { error: 'order not found' }];
    },
  },
];

/** The route of a request and its path parameters; undefined when none matches. */
function findRoute(method, path) {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}

function app(req, res) {
  const started = performance.now();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const found = findRoute(req.method, path);
  // Spans and labels are named by route template, never by raw path: unknown paths share one name,
  // so an attacker probing random URLs cannot create unbounded span names or series.
  const template = found?.route.template;
  const spanName = template ? `${req.method} ${template}` : `${req.method} unknown route`;
  const attributes = {
    'http.request.method': req.method,
    'url.path': path,
    ...(template ? { 'http.route': template } : {}),
  };
  // Continue the caller's trace (W3C traceparent) when there is one.
  withRemoteParent(req.headers, () =>
    TracingContext.run({ name: spanName, kind: 'server', attributes }, async (span) => {
      let status = 500;
      let body = { error: 'internal error' };
      try {
        [status, body] = found ? await found.route.handle(found.params) : [404, { error: 'no such route' }];
      } catch (error) {
        span.recordException(error);
      }
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus('error');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const labels = { route: template ?? 'unknown', code: String(status) };
      requests.add(1, labels);
      latency.record(performance.now() - started, labels);
    }),
  );
}

const checker = new HealthChecker()
  .addCheck(databaseCheck(db)) // readiness: the API cannot answer without its database
  .addCheck(migrationsCheck(db)); // startup: the schema is in place
const probes = nodeHealthListener(createHealthHandlers(checker));
const server = http.createServer((req, res) => probes(req, res, () => app(req, res)));

new GracefulShutdown({ checker, readinessDelayMs: config.shutdownDelayMs })
  .trackServer(server)
  .addHook('database', () => db.close()) // registered first: runs last
  .addHook('telemetry', async () => {
    await metrics.shutdown();
    await tracing.shutdown();
  })
  .install();

// Loopback by default; HOST=0.0.0.0 in a container, where the kubelet probes the pod's own address.
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
server.listen(port, host, () => {
  console.log(`orders-api listening on http://${host}:${server.address().port}`);
});
