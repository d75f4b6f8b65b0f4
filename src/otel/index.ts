// `pgtel/otel`: pgtel's storage behind the OpenTelemetry SDK, for an application that sets up its
// own tracer, meter or logger provider (`setupTracing`, `setupLogging` and `MetricsCollector` in
// `pgtel` do it for you).
export {
  type LogExporterStats,
  PostgreSQLLogRecordExporter,
  type PostgreSQLLogRecordExporterOptions,
} from '../logs/PostgreSQLLogRecordExporter.js';
export { PgtelMetricExporter, type PgtelMetricExporterOptions } from '../metrics/PgtelMetricExporter.js';
export {
  PostgreSQLSpanExporter,
  type PostgreSQLSpanExporterOptions,
  type SpanExportStats,
} from '../tracing/PostgreSQLSpanExporter.js';
export {
  PostgreSQLSpanProcessor,
  type PostgreSQLSpanProcessorOptions,
  type SpanExporterStats,
} from '../tracing/PostgreSQLSpanProcessor.js';
