import { DatabaseError, UnavailableError } from '../errors.js';

// SQLSTATE classes and codes worth retrying: the connection, server resources, shutdown, conflicts.
const TRANSIENT_CLASSES = ['08', '53', '57'];
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '58000', '58030']);
// Driver messages with no code: node-postgres's pool acquire timeout ("timeout exceeded when trying
// to connect"), a pool closed by shutdown, a connection cut mid-query.
const NETWORK =
  /ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|connect|terminat|closed|timeout|pool after calling end/i;

/**
 * Whether a failed write may succeed when retried unchanged (lost connection, server restarting,
 * too many connections, serialization conflicts, pool exhausted, pgtel shutting down), as opposed to
 * bad data that will fail again.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof UnavailableError) return true;
  const sqlState = error instanceof DatabaseError ? error.sqlState : undefined;
  if (sqlState) return TRANSIENT_CLASSES.includes(sqlState.slice(0, 2)) || TRANSIENT_CODES.has(sqlState);
  // No SQLSTATE: the server never answered. Look at the driver's error for a network failure.
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UnavailableError) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK.test(code)) return true;
    // A DatabaseError's message ends with the SQL it ran, which must not count as a network word.
    const text = typeof message === 'string' ? message.replace(/ \(while running: [\s\S]*\)$/, '') : '';
    if (NETWORK.test(text)) return true;
  }
  return false;
}
