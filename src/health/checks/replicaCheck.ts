import type { Database } from '../../db/Database.js';
import type { HealthCheck } from '../HealthCheck.js';
import { boundedQuery } from './boundedQuery.js';
import { type BuiltinCheckOptions, DEFAULT_CHECK_TIMEOUT_MS } from './databaseCheck.js';

/** Options of `replicaCheck`. */
export interface ReplicaCheckOptions extends BuiltinCheckOptions {
  /** What this service needs. Default `writable` (fails on a replica or a read-only default). */
  expect?: 'writable' | 'read-only';
}

/**
 * Read-only replica detection (name `writable`, readiness, critical): reads `pg_is_in_recovery()` and
 * `transaction_read_only`, so a service that writes is not ready on a replica after a failover.
 */
export function replicaCheck(db: Database, options: ReplicaCheckOptions = {}): HealthCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const expect = options.expect ?? 'writable';
  return {
    name: options.name ?? (expect === 'writable' ? 'writable' : 'read-only'),
    probes: options.probes ?? ['readiness'],
    critical: options.critical ?? true,
    timeoutMs,
    check: async (signal) => {
      const [row] = await boundedQuery<{ in_recovery: boolean; read_only: string }>(
        db,
        `SELECT pg_is_in_recovery() AS in_recovery, current_setting('default_transaction_read_only') AS read_only`,
        [],
        timeoutMs,
        signal,
      );
      const reason = row?.in_recovery
        ? 'server is a replica in recovery'
        : row?.read_only === 'on'
          ? 'default_transaction_read_only is on'
          : undefined;
      if (expect === 'writable') {
        return reason
          ? { status: 'fail', message: `Read-only: ${reason}` }
          : { status: 'pass', message: 'Writable' };
      }
      return reason
        ? { status: 'pass', message: `Read-only: ${reason}` }
        : { status: 'fail', message: 'Writable, expected read-only' };
    },
  };
}
