import { PgtelError, type PgtelErrorCode } from '../errors.js';
import { redact } from '../redact.js';

/** The JSON error body of every pgtel endpoint: `{ error: { code, message } }`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { code, message: redact(message) } }, { status, headers });
}

const STATUS_BY_CODE: Partial<Record<PgtelErrorCode, number>> = {
  PGTEL_INVALID: 400,
  PGTEL_CONFIG: 400,
  PGTEL_NOT_FOUND: 404,
  PGTEL_CONFLICT: 409,
  PGTEL_TIMEOUT: 504,
};

/** HTTP status for an error: the caller's fault is 4xx, a database away or slow is 503/504, else 500. */
export function statusOf(error: unknown): number {
  const explicit = (error as { httpStatus?: unknown })?.httpStatus;
  if (typeof explicit === 'number') return explicit;
  if (!(error instanceof PgtelError)) return 500;
  const known = STATUS_BY_CODE[error.code];
  if (known) return known;
  const sqlState = (error as { sqlState?: string }).sqlState;
  if (sqlState === '57014') return 504;
  if (error.code === 'PGTEL_DATABASE' && (sqlState === undefined || /^(08|53|57P)/.test(sqlState)))
    return 503;
  return 500;
}

/**
 * Headers an error status needs: when to come back after a 503, and for a 413 that its connection
 * carries no other request (the refused body may be partly unread).
 */
export function errorHeaders(status: number): Record<string, string> {
  if (status === 413) return { connection: 'close' };
  return status === 503 ? { 'retry-after': '5' } : {};
}

/** Error response for a thrown error; 5xx bodies say little, 4xx bodies say what to fix. */
export function responseForError(error: unknown): Response {
  const status = statusOf(error);
  const code = error instanceof PgtelError ? error.code : 'PGTEL_INTERNAL';
  const message =
    status === 503
      ? 'database unavailable, retry later'
      : status >= 500 && status !== 504
        ? 'internal error'
        : (error as Error).message;
  return errorResponse(status, status === 503 ? 'PGTEL_UNAVAILABLE' : code, message, errorHeaders(status));
}
