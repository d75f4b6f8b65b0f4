import type { DatabaseSession } from '../../db/Database.js';
import type { ApiDeps } from './ApiDeps.js';

/**
 * Runs a user-driven read in a READ ONLY transaction with the configured statement timeout, so no
 * request can write through a query or keep the database busy for long (a timeout answers 504).
 */
export function readOnlyQuery<T>(deps: ApiDeps, fn: (tx: DatabaseSession) => Promise<T>): Promise<T> {
  return deps.db.transaction(fn, { readOnly: true, statementTimeoutMs: deps.config.queryTimeoutMs });
}

/** Runs a user-requested change (acknowledge, silence) in a transaction with the statement timeout. */
export function writeQuery<T>(deps: ApiDeps, fn: (tx: DatabaseSession) => Promise<T>): Promise<T> {
  return deps.db.transaction(fn, { statementTimeoutMs: deps.config.queryTimeoutMs });
}
