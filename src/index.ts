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
