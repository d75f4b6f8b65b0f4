import type { Database } from '../../db/Database.js';
import type { HealthCheck } from '../HealthCheck.js';
import type { ProbeName } from '../HealthStatus.js';
import { HEALTH_DEFAULTS } from '../healthDefaults.js';
import { boundedQuery } from './boundedQuery.js';

/** Options shared by the built-in checks. */
export interface BuiltinCheckOptions {
  /** Check name in `details.checks` and for `?exclude=`. Default: the check's own name (e.g. `database`). */
  name?: string;
  /** Probes the check belongs to. Default: readiness (startup for `migrationsCheck` and `referenceTablesCheck`). */
  probes?: readonly ProbeName[];
  /** Default 500 ms; database checks also use it as the server-side statement timeout. */
  timeoutMs?: number;
  /** A failing non-critical check makes the probe `warn` (still ready). Default: true (false for `poolSaturationCheck`). */
  critical?: boolean;
}

/** Options of `databaseCheck`. */
export interface DatabaseCheckOptions extends BuiltinCheckOptions {
  /** The probe query. Default `SELECT 1`. */
  sql?: string;
}

export const DEFAULT_CHECK_TIMEOUT_MS = HEALTH_DEFAULTS.checkTimeoutMs;

/**
 * PostgreSQL reachable: runs `SELECT 1` (name `database`, readiness, critical) under a statement
 * timeout equal to the check timeout, so a hung query is cancelled on the server too.
 * Messages: "Connected" / "Connection failed".
 */
export function databaseCheck(db: Database, options: DatabaseCheckOptions = {}): HealthCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const sql = options.sql ?? 'SELECT 1';
  return {
    name: options.name ?? 'database',
    probes: options.probes ?? ['readiness'],
    critical: options.critical ?? true,
    timeoutMs,
    passMessage: 'Connected',
    failMessage: 'Connection failed',
    check: async (signal) => {
      await boundedQuery(db, sql, [], timeoutMs, signal);
    },
  };
}
