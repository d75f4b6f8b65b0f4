export { type Clock, systemClock } from './clock.js';
export {
  type LogLevel,
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
export { openDatabase } from './db/openDatabase.js';
export {
  ConfigError,
  ConflictError,
  DatabaseError,
  LockedError,
  MigrationError,
  NotFoundError,
  PgtelError,
  type PgtelErrorCode,
  SchemaTooNewError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export { ensureObservabilityTables } from './schema/ensureObservabilityTables.js';
export { type MigrateOptions, type MigrateResult, migrate } from './schema/migrate.js';
export {
  maintainPartitions,
  type PartitionOptions,
  type PartitionReport,
} from './schema/PartitionManager.js';
export { type SchemaStatus, schemaStatus } from './schema/schemaStatus.js';
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
export { withWorkflowTrace, workflowTraceparent } from './workflows/workflowTrace.js';
