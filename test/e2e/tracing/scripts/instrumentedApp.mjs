// A plain application: node:http server whose handler runs a pg query, traced by setupTracing's
// auto-instrumentation. Arguments: pgtel's index.js, database URL, schema.
const [indexPath, databaseUrl, schema] = process.argv.slice(2);
const pgtel = await import(indexPath);
const { PostgreSQLSpanProcessor } = await import(new URL('./otel/index.js', `file://${indexPath}`).href);
// Internals the application stores through directly, as OTLP ingest does.
const { writeSpanRows } = await import(new URL('./tracing/writeSpanRows.js', `file://${indexPath}`).href);
const { randomSpanId, randomTraceId } = await import(new URL('./tracing/ids.js', `file://${indexPath}`).href);
// The application runs its own OpenTelemetry SDK and records every span that starts, even one that
// would never end (and so never be stored); it puts pgtel's span processor in its provider.
const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
const db = await pgtel.openDatabase({ databaseUrl, schema });
await pgtel.migrate(db);
const processor = new PostgreSQLSpanProcessor({ db, flushIntervalMs: 20 });
const started = [];
const recorder = {
  onStart: (span) => started.push(`${span.name} ${JSON.stringify(span.attributes)}`),
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};
const provider = new NodeTracerProvider({ spanProcessors: [recorder, processor] });
provider.register();
const tracing = await pgtel.setupTracing({ instrumentations: ['http', 'undici', 'pg'] });

const { default: pg } = await import('pg');
const http = await import('node:http');
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const server = http.createServer(async (_req, res) => {
  const result = await client.query('SELECT 41 + 1 AS answer');
  // Storing spans from inside a traced request (as OTLP ingest does): pgtel's COPY must not become a span.
  const now = new Date().toISOString();
  await writeSpanRows(db, [
    {
      traceId: randomTraceId(),
      spanId: randomSpanId(),
      parentSpanId: null,
      traceState: null,
      operationName: 'ingested',
      kind: 'internal',
      serviceName: 'elsewhere',
      startTime: now,
      endTime: now,
      durationMs: 0,
      status: 'unset',
      statusMessage: null,
      attributes: {},
      events: [],
      links: [],
      resource: {},
      scope: { name: 'x' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    },
  ]);
  await processor.forceFlush();
  res.end(String(result.rows[0].answer));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const body = await (await fetch(`http://127.0.0.1:${server.address().port}/answer`)).text();
// A second round of exports, so spans about pgtel's own writes would show up if there were any.
await processor.forceFlush();
await processor.forceFlush();
const stats = processor.stats();
await tracing.shutdown();
server.close();
await client.end();
await db.close();
await provider.shutdown();
process.stdout.write(JSON.stringify({ body, stats, started }));
