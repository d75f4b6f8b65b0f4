// The root entry point, `pgtel`: open and migrate the database, tracing, metrics, health probes,
// workflows and the errors. Alerts, the links between signals, the OpenTelemetry SDK exporters and
// test helpers have entry points of their own (`pgtel/alerts`, `pgtel/links`, `pgtel/otel`,
// `pgtel/testing`); everything else is internal. The API report in api-report/ lists each name.

// Configuration, the database and its schema
export type { Clock } from './clock.js';
export { type LogLevel, type PgtelConfig, type PgtelOptions, resolveConfig } from './config.js';
export {
  Database,
  DatabaseSession,
  type QueryResult,
  type Row,
  type TransactionOptions,
} from './db/Database.js';
export type { KeysetCursor } from './db/keysetCursor.js';
export { openDatabase } from './db/openDatabase.js';
// Errors
export {
  ConfigError,
  ConflictError,
  DatabaseError,
  LockedError,
  MigrationError,
  NotFoundError,
  OverloadedError,
  PgtelError,
  type PgtelErrorCode,
  SchemaTooNewError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from './errors.js';
// Health probes and shutdown
export {
  type BuiltinCheckOptions,
  type DatabaseCheckOptions,
  databaseCheck,
} from './health/checks/databaseCheck.js';
export { type HttpCheckOptions, httpCheck } from './health/checks/httpCheck.js';
export { migrationsCheck } from './health/checks/migrationsCheck.js';
export { type PoolSaturationCheckOptions, poolSaturationCheck } from './health/checks/poolSaturationCheck.js';
export { referenceTablesCheck } from './health/checks/referenceTablesCheck.js';
export { type ReplicaCheckOptions, replicaCheck } from './health/checks/replicaCheck.js';
export {
  GracefulShutdown,
  type GracefulShutdownOptions,
  type HookReport,
  type ShutdownReport,
} from './health/GracefulShutdown.js';
export type { CheckOutcome, HealthCheck } from './health/HealthCheck.js';
export {
  HealthChecker,
  type HealthCheckerOptions,
  type HealthTransition,
  type ProbeOptions,
} from './health/HealthChecker.js';
export type { HealthMetrics } from './health/HealthMetrics.js';
export type { CheckResult, CheckStatus, HealthStatus, ProbeName } from './health/HealthStatus.js';
export {
  HealthTransitionStore,
  type HealthTransitionStoreOptions,
  type StoredHealthTransition,
} from './health/HealthTransitionStore.js';
export {
  createHealthHandlers,
  type FetchHandler,
  type HealthHandlerOptions,
  type HealthHandlers,
} from './health/healthHandlers.js';
export { nodeHealthListener } from './health/nodeHealthListener.js';
export type { HealthEndpoint } from './health/renderHealthResponse.js';
export { createLogger, type Logger } from './logger.js';
// Logs
export type { LogFilter } from './logs/logFilterSql.js';
export {
  DEFAULT_LOG_WINDOW_MS,
  type LogCursor,
  type LogPage,
  type LogRecord,
  type LogSearch,
  logsOfTrace,
  searchLogs,
} from './logs/logQueries.js';
export { type LogSeverityName, minSeverityNumber } from './logs/logSeverity.js';
export { type Logging, type SetupLoggingOptions, setupLogging } from './logs/setupLogging.js';
// Metrics
export type { Exemplar } from './metrics/ExemplarReservoir.js';
export { ExposedExemplars } from './metrics/ExposedExemplars.js';
export type { InstrumentKind, InstrumentOptions, MetricType } from './metrics/Instrument.js';
export type {
  BoundCounter,
  BoundGauge,
  BoundHistogram,
  Counter,
  EndTimer,
  Gauge,
  Histogram,
  UpDownCounter,
} from './metrics/instruments.js';
export type { Labels } from './metrics/labelKey.js';
export {
  type CollectorStats,
  type FlushReport,
  type Metric,
  type MetricSnapshot,
  MetricsCollector,
  type MetricsCollectorOptions,
} from './metrics/MetricsCollector.js';
export type { WriterStats } from './metrics/MetricWriter.js';
export {
  getPercentile,
  type MetricQueryOptions,
  type MetricRecord,
  type PercentileOptions,
  queryMetrics,
} from './metrics/queryMetrics.js';
export {
  type ExpositionFormat,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheus,
} from './metrics/renderPrometheus.js';
export { type RollupOptions, type RollupReport, rollupMetrics } from './metrics/rollupMetrics.js';
export type { SeriesSnapshot } from './metrics/Series.js';
export type { RetryOptions } from './retryDelay.js';
export { type MigrateOptions, type MigrateResult, migrate } from './schema/migrate.js';
export {
  maintainPartitions,
  type PartitionOptions,
  type PartitionReport,
} from './schema/PartitionManager.js';
export type {
  AppliedMigration,
  ChecksumMismatch,
  SchemaCompatibility,
} from './schema/schemaCompatibility.js';
export { type SchemaStatus, schemaStatus } from './schema/schemaStatus.js';
// Tracing
export { activeSpanContext, type SpanIds } from './tracing/activeSpanContext.js';
export type { AutoInstrumentation } from './tracing/autoInstrumentations.js';
export type { SpanNode } from './tracing/buildSpanTree.js';
export { generateCorrelationId } from './tracing/generateCorrelationId.js';
export { getTracer } from './tracing/getTracer.js';
export {
  extractTraceContext,
  type HeaderCarrier,
  injectTraceContext,
  withRemoteParent,
} from './tracing/propagation.js';
export type { StoredSpan } from './tracing/StoredSpan.js';
export { type SetupTracingOptions, setupTracing, type Tracing } from './tracing/setupTracing.js';
export {
  type TracingAttributes,
  TracingContext,
  type TracingSpanKind,
  type TracingSpanOptions,
  type TracingStatus,
} from './tracing/TracingContext.js';
export {
  DEFAULT_TRACE_WINDOW_MS,
  getTrace,
  listOperations,
  listServices,
  type SpanFilter,
  type SpanSearch,
  type SpanSearchPage,
  type SpanSummary,
  searchSpans,
  searchTraces,
  type Trace,
  type TraceSearch,
  type TraceSearchPage,
  type TraceSummary,
} from './tracing/traceQueries.js';

// Workflows
export { countWorkflows, type WorkflowCounts } from './workflows/countWorkflows.js';
export {
  type PruneWorkflowsOptions,
  type PruneWorkflowsResult,
  pruneWorkflows,
} from './workflows/pruneWorkflows.js';
export { type SweepOptions, type SweepResult, sweepStuckWorkflows } from './workflows/sweepStuckWorkflows.js';
export type { Workflow, WorkflowHistoryEntry } from './workflows/Workflow.js';
export { WorkflowConflictError, type WorkflowPosition } from './workflows/WorkflowConflictError.js';
export {
  defineWorkflow,
  isTerminalStatus,
  type PhaseDefinition,
  WORKFLOW_STATUSES,
  type WorkflowDefinition,
  type WorkflowStatus,
} from './workflows/WorkflowDefinition.js';
export {
  type CreateWorkflowInput,
  type ListWorkflowsOptions,
  type PhaseDuration,
  type TransitionInput,
  WorkflowStateTracker,
  type WorkflowStateTrackerOptions,
} from './workflows/WorkflowStateTracker.js';
export {
  findWorkflows,
  type WorkflowPage,
  type WorkflowSearch,
} from './workflows/workflowQueries.js';
export { type TracedWorkflow, withWorkflowTrace, workflowTraceparent } from './workflows/workflowTrace.js';
