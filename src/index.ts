export {
  type AlertInstance,
  getAlertHistory,
  type HistoryEntry,
  listAlertInstances,
} from './alerts/alertQueries.js';
export {
  AlertmanagerNotifier,
  type AlertmanagerNotifierOptions,
} from './alerts/notifiers/AlertmanagerNotifier.js';
export { ChatNotifier, type ChatNotifierOptions } from './alerts/notifiers/ChatNotifier.js';
export { escapeHtml, formatChatMessage } from './alerts/notifiers/formatChatMessage.js';
export { LogNotifier } from './alerts/notifiers/LogNotifier.js';
export type { Notification, NotificationAlert, Notifier, SendContext } from './alerts/notifiers/Notifier.js';
export { prometheusLabels } from './alerts/notifiers/prometheusLabels.js';
export type { NotifierOutcome } from './alerts/notifiers/sendNow.js';
export { WebhookNotifier, type WebhookNotifierOptions } from './alerts/notifiers/WebhookNotifier.js';
export { notifiersFromConfig } from './alerts/notifiersFromConfig.js';
export {
  type DispatchOptions,
  type DispatchOutcome,
  dispatchOutbox,
  requeueFailedNotifications,
} from './alerts/outbox/dispatchOutbox.js';
export { resendToAlertmanager } from './alerts/outbox/resendToAlertmanager.js';
export { type PruneOptions, pruneAlertData } from './alerts/pruneAlertData.js';
export type {
  AlertRule,
  AlertRuleDefinition,
  Comparison,
  ErrorBehaviour,
  LabelMap,
  NoDataBehaviour,
  RuleLevel,
  RuleSource,
} from './alerts/rules/AlertRule.js';
export {
  type EvaluateOptions,
  type EvaluationSummary,
  evaluateDueRules,
} from './alerts/rules/evaluateDueRules.js';
export {
  type ApplyFileRulesOptions,
  type ApplyFileRulesResult,
  applyFileRules,
  applyRuleFile,
} from './alerts/rules/file/applyFileRules.js';
export { type FileRule, type ParsedRuleFile, parseRuleFile } from './alerts/rules/file/parseRuleFile.js';
export type { RuleFileProblem, RuleKind } from './alerts/rules/file/RuleKind.js';
export { RuleFileError } from './alerts/rules/file/readRuleFile.js';
export { ALERT_STATES, type AlertState } from './alerts/rules/InstanceState.js';
export {
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  type RuleOrigin,
  type StoredRule,
  saveAlertRules,
} from './alerts/rules/ruleStore.js';
export { type RuleProblem, RuleValidationError } from './alerts/rules/validateRule.js';
export { SEVERITIES, type Severity } from './alerts/Severity.js';
export { sendTestAlert } from './alerts/sendTestAlert.js';
export type { Silence, SilenceMatcher } from './alerts/silences/Silence.js';
export {
  createSilence,
  expireSilence,
  listSilences,
  type NewSilence,
} from './alerts/silences/silenceStore.js';
export { ALERT_TYPES, type Alert, type AlertType, type StoredAlert } from './alerts/thresholds/Alert.js';
export {
  AlertThresholdChecker,
  type AlertThresholdCheckerOptions,
} from './alerts/thresholds/AlertThresholdChecker.js';
export { acknowledgeAlert } from './alerts/thresholds/acknowledgeAlert.js';
export { type AlertThresholds, defaultAlertThresholds } from './alerts/thresholds/alertThresholds.js';
export {
  type CheckAllOptions,
  checkAllThresholds,
  type ThresholdValues,
} from './alerts/thresholds/checkAllThresholds.js';
export {
  type DeliverAlertOptions,
  type DeliveryResult,
  deliverAlert,
} from './alerts/thresholds/deliverAlert.js';
export { getRecentAlerts, type RecentAlertsQuery } from './alerts/thresholds/getRecentAlerts.js';
export {
  type ResolveOptions,
  resolveAlert,
  resolveThresholdAlert,
} from './alerts/thresholds/resolveThresholdAlert.js';
export { thresholdTitle } from './alerts/thresholds/thresholdAlerts.js';
export { type Clock, systemClock } from './clock.js';
export {
  type AnyOptionDefinition,
  type LogLevel,
  type OptionDefinition,
  optionDefinitions,
  type PgtelConfig,
  type PgtelOptions,
  resolveConfig,
} from './config.js';
export {
  Database,
  DatabaseSession,
  type QueryResult,
  type Row,
  type TransactionOptions,
} from './db/Database.js';
export type { Driver, DriverSession } from './db/Driver.js';
export { openDatabase } from './db/openDatabase.js';
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
export { HEALTH_DEFAULTS } from './health/healthDefaults.js';
export {
  createHealthHandlers,
  type FetchHandler,
  type HealthHandlerOptions,
  type HealthHandlers,
} from './health/healthHandlers.js';
export { nodeHealthListener } from './health/nodeHealthListener.js';
export type { HealthEndpoint } from './health/renderHealthResponse.js';
export {
  type AlertErrorSpans,
  type AlertErrorSpansOptions,
  alertErrorSpans,
  type ErrorSpanOperation,
} from './links/alertErrorSpans.js';
export {
  type AlertLinkedTrace,
  type AlertLinkedWorkflow,
  type AlertLinks,
  alertLinks,
} from './links/alertLinks.js';
export { alertsOfTrace } from './links/alertsOfTrace.js';
export { alertsOfWorkflow } from './links/alertsOfWorkflow.js';
export { type ExemplarTrace, type ExemplarTracesOptions, exemplarTraces } from './links/exemplarTraces.js';
export type { AlertSummary, LinkedAlert } from './links/LinkedAlert.js';
export { tracesOfWorkflow, type WorkflowTrace } from './links/tracesOfWorkflow.js';
export { type TraceWorkflow, workflowsOfTrace } from './links/workflowsOfTrace.js';
export { createLogger, type Logger } from './logger.js';
export type { Exemplar } from './metrics/ExemplarReservoir.js';
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
export {
  bucketKey,
  bucketValue,
  LogSketch,
  RELATIVE_ACCURACY,
  type SketchBuckets,
  sketchQuantile,
} from './metrics/LogSketch.js';
export type { CanonicalLabels, Labels } from './metrics/labelKey.js';
export {
  type CollectorStats,
  type FlushReport,
  type Metric,
  type MetricSnapshot,
  MetricsCollector,
  type MetricsCollectorOptions,
} from './metrics/MetricsCollector.js';
export type { WriterStats } from './metrics/MetricWriter.js';
export { PgtelMetricExporter, type PgtelMetricExporterOptions } from './metrics/PgtelMetricExporter.js';
export {
  getPercentile,
  type MetricQueryOptions,
  type MetricRecord,
  type PercentileOptions,
  queryMetrics,
} from './metrics/queryMetrics.js';
export {
  DEFAULT_PROMETHEUS_BUCKETS,
  type ExpositionFormat,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheus,
} from './metrics/renderPrometheus.js';
export { type RollupOptions, type RollupReport, rollupMetrics } from './metrics/rollupMetrics.js';
export type { SeriesSnapshot } from './metrics/Series.js';
export type { RetryOptions } from './retryDelay.js';
export { ensureObservabilityTables } from './schema/ensureObservabilityTables.js';
export { type MigrateOptions, type MigrateResult, migrate } from './schema/migrate.js';
export type { Migration } from './schema/migrationFiles.js';
export {
  maintainPartitions,
  type PartitionOptions,
  type PartitionReport,
} from './schema/PartitionManager.js';
export { type SchemaStatus, schemaStatus } from './schema/schemaStatus.js';
export { activeSpanContext, type SpanIds } from './tracing/activeSpanContext.js';
export { AUTO_INSTRUMENTATIONS, type AutoInstrumentation } from './tracing/autoInstrumentations.js';
export type { SpanNode } from './tracing/buildSpanTree.js';
export { generateCorrelationId } from './tracing/generateCorrelationId.js';
export { getTrace, type Trace } from './tracing/getTrace.js';
export { getTracer } from './tracing/getTracer.js';
export { isValidSpanId, isValidTraceId, randomSpanId, randomTraceId } from './tracing/ids.js';
export { SPAN_TEXT_LIMITS, type SpanTextLimits } from './tracing/limitSpanRow.js';
export { listOperations, listServices } from './tracing/listServices.js';
export {
  PostgreSQLSpanExporter,
  type PostgreSQLSpanExporterOptions,
  type SpanExporterStats,
} from './tracing/PostgreSQLSpanExporter.js';
export {
  extractTraceContext,
  type HeaderCarrier,
  injectTraceContext,
  withRemoteParent,
} from './tracing/propagation.js';
export type {
  SpanKindName,
  SpanRow,
  SpanStatusName,
  StoredAttributes,
  StoredEvent,
  StoredLink,
} from './tracing/SpanRow.js';
export type { StoredSpan } from './tracing/StoredSpan.js';
export {
  type SpanSearch,
  type SpanSearchPage,
  type SpanSummary,
  searchSpans,
} from './tracing/searchSpans.js';
export { type SetupTracingOptions, setupTracing, type Tracing } from './tracing/setupTracing.js';
export { type SpanToRowOptions, spanToRow } from './tracing/spanToRow.js';
export { type TracingAttributes, TracingContext, type TracingStatus } from './tracing/TracingContext.js';
export {
  formatTraceparent,
  parseTraceparent,
  parseTracestate,
  type RemoteSpanContext,
} from './tracing/traceparent.js';
export {
  type RejectedSpanRow,
  type WriteSpanRowsOptions,
  type WriteSpanRowsResult,
  writeSpanRows,
} from './tracing/writeSpanRows.js';
export { countWorkflows, type WorkflowCounts } from './workflows/countWorkflows.js';
export { DEFAULT_MAX_METADATA_BYTES } from './workflows/metadataJson.js';
export {
  DEFAULT_WORKFLOW_RETENTION_DAYS,
  type PruneWorkflowsOptions,
  type PruneWorkflowsResult,
  pruneWorkflows,
} from './workflows/pruneWorkflows.js';
export { type SweepOptions, type SweepResult, sweepStuckWorkflows } from './workflows/sweepStuckWorkflows.js';
export type { Workflow, WorkflowHistoryEntry } from './workflows/Workflow.js';
export { WorkflowConflictError, type WorkflowPosition } from './workflows/WorkflowConflictError.js';
export {
  defaultLifecycle,
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
export { type TracedWorkflow, withWorkflowTrace, workflowTraceparent } from './workflows/workflowTrace.js';
