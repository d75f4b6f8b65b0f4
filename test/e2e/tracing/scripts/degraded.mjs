// Runs in a folder whose node_modules holds only pgtel's dependencies: no OpenTelemetry at all.
const report = {};
report.apiResolvable = await import('@opentelemetry/api').then(
  () => true,
  () => false,
);
const pgtel = await import(process.argv[2]);
const hex32 = /^[0-9a-f]{32}$/;
const hex16 = /^[0-9a-f]{16}$/;

const ids = Array.from({ length: 100 }, () => pgtel.generateCorrelationId());
report.correlationIdsValid = ids.every((id) => hex32.test(id) && !/^0+$/.test(id));
report.correlationIdsDistinct = new Set(ids).size;

const db = await pgtel.openDatabase({ dataDir: 'memory://', schema: 'degraded' });
await pgtel.migrate(db);
const tracing = await pgtel.setupTracing({ serviceName: 'degraded', db });
report.enabled = tracing.enabled;

const nested = await pgtel.TracingContext.run('outer', { a: 1 }, async (outer) => {
  await new Promise((r) => setTimeout(r, 1));
  return pgtel.TracingContext.run('inner', (inner) => ({
    outer: [outer.traceId, outer.spanId],
    inner: [inner.traceId, inner.spanId, inner.parentSpanId],
    correlation: pgtel.generateCorrelationId(),
    headers: pgtel.injectTraceContext(),
    chained:
      inner.setAttribute('k', 'v').addEvent('e').setStatus('ok').recordException(new Error('x')) === inner,
  }));
});
report.idsValid = hex32.test(nested.outer[0]) && hex16.test(nested.outer[1]) && hex16.test(nested.inner[1]);
report.nested = nested.inner[0] === nested.outer[0] && nested.inner[2] === nested.outer[1];
report.correlationIsTrace = nested.correlation === nested.outer[0];
report.traceparent = nested.headers.traceparent === `00-${nested.outer[0]}-${nested.inner[1]}-01`;
report.methodsChain = nested.chained;

const error = new Error('kept');
report.errorPropagates = await pgtel.TracingContext.run('failing', async () => {
  throw error;
}).catch((e) => e === error);

// What `using ctx = ...` compiles to (Node 20 has no `using` syntax; TypeScript lowers it).
const ctx = pgtel.TracingContext.enter('using-form');
try {
  report.usingForm = pgtel.generateCorrelationId() === ctx.traceId;
} finally {
  ctx[Symbol.dispose]();
}
report.usingRestored = pgtel.generateCorrelationId() !== ctx.traceId;
report.remote = pgtel.withRemoteParent(
  { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  () => pgtel.generateCorrelationId() === '4bf92f3577b34da6a3ce929d0e0e4736',
);
const span = pgtel.getTracer('manual').startSpan('manual');
report.tracerIds = hex32.test(span.spanContext().traceId) && hex16.test(span.spanContext().spanId);
span.end();

await tracing.forceFlush();
await tracing.shutdown();
const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${db.table('spans')}`);
report.storedSpans = rows[0].n;
await db.close();
process.stdout.write(JSON.stringify(report));
