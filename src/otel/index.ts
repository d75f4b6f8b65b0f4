// `pgtel/otel`: pgtel's storage behind the OpenTelemetry SDK, for an application that sets up its
// own tracer or meter provider (`setupTracing` and `MetricsCollector` in `pgtel` do it for you).
export { PgtelMetricExporter, type PgtelMetricExporterOptions } from '../metrics/PgtelMetricExporter.js';
export {
  PostgreSQLSpanExporter,
  type PostgreSQLSpanExporterOptions,
  type SpanExporterStats,
} from '../tracing/PostgreSQLSpanExporter.js';
