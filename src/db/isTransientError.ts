import { DatabaseError } from '../errors.js';

// SQLSTATE classes and codes worth retrying: the connection, server resources, shutdown, conflicts.
const TRANSIENT_CLASSES = ['08', '53', '57'];
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '58000', '58030']);
const NETWORK = /ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|connect|terminat|closed|timeout/i;

/**
 * Whether a failed write may succeed when retried unchanged (lost connection, server restarting,
 * too many connections, serialization conflicts), as opposed to bad data that will fail again.
 */
export function isTransientError(error: unknown): boolean {
  const sqlState = error instanceof DatabaseError ? error.sqlState : undefined;
  if (sqlState) return TRANSIENT_CLASSES.includes(sqlState.slice(0, 2)) || TRANSIENT_CODES.has(sqlState);
  // No SQLSTATE: the server never answered. Look at the driver's error for a network failure.
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK.test(code)) return true;
    if (typeof message === 'string' && NETWORK.test(message)) return true;
  }
  return false;
}
