import { retryableFailure, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../db/retryableFailure.js';
import { PgtelError, type PgtelErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';

/** The JSON error body of every pgtel endpoint: `{ error: { code, message } }`. */
export function errorResponse(
  status: number,
  code: PgtelErrorCode,
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
  PGTEL_UNAVAILABLE: 503,
  PGTEL_OVERLOADED: 429,
};

/**
 * HTTP status for an error: the caller's fault is 4xx; pgtel at capacity is 429; a query outliving
 * its statement timeout is 504; any other transient condition (pool exhausted, connection lost,
 * server shutting down or overloaded, serialization failure, pgtel shutting down) is 503; else 500.
 */
export function statusOf(error: unknown): number {
  const explicit = (error as { httpStatus?: unknown })?.httpStatus;
  if (typeof explicit === 'number') return explicit;
  if (error instanceof PgtelError) {
    const known = STATUS_BY_CODE[error.code];
    if (known) return known;
    if ((error as { sqlState?: string }).sqlState === '57014') return 504;
  }
  const retryable = retryableFailure(error);
  if (retryable) return retryable.kind === 'overloaded' ? 429 : 503;
  return 500;
}

/** Seconds a client should wait after `error` (the `Retry-After` of a 503 or 429). */
export function retryAfterOf(error: unknown): number {
  return retryableFailure(error)?.retryAfterSeconds ?? UNAVAILABLE_RETRY_AFTER_SECONDS;
}

/**
 * Headers an error status needs: when to come back after a 503 or 429, and for a 413 that its
 * connection carries no other request (the refused body may be partly unread).
 */
export function errorHeaders(
  status: number,
  retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS,
): Record<string, string> {
  if (status === 413) return { connection: 'close' };
  return status === 503 || status === 429 ? { 'retry-after': String(retryAfterSeconds) } : {};
}

/** The error and its causes as one line, for the log (never sent to the client). */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, code, sqlState } = e as { message?: unknown; code?: unknown; sqlState?: unknown };
    const tag = typeof sqlState === 'string' ? sqlState : typeof code === 'string' ? code : undefined;
    const text = typeof message === 'string' ? message : String(e);
    if (!parts.some((p) => p.includes(text))) parts.push(tag ? `${text} [${tag}]` : text);
  }
  return parts.join(' <- ');
}

/** Logs a 5xx answer once, with its cause; 4xx are the client's business and are not logged. */
export function logServerError(
  logger: Logger | undefined,
  status: number,
  request: { method: string; path: string },
  error: unknown,
): void {
  if (!logger || status < 500) return;
  logger.warn(`${request.method} ${request.path} answered ${status}`, { cause: describeCause(error) });
}

/** Error response for a thrown error; 5xx bodies say little, 4xx bodies say what to fix. */
export function responseForError(
  error: unknown,
  log?: { logger: Logger | undefined; request: Request },
): Response {
  const status = statusOf(error);
  if (log) {
    const url = new URL(log.request.url);
    logServerError(log.logger, status, { method: log.request.method, path: url.pathname }, error);
  }
  const code: PgtelErrorCode = error instanceof PgtelError ? error.code : 'PGTEL_INTERNAL';
  const message =
    status === 503
      ? 'database unavailable, retry later'
      : status === 429
        ? 'pgtel is at capacity, retry later'
        : status >= 500 && status !== 504
          ? 'internal error'
          : (error as Error).message;
  const publicCode: PgtelErrorCode =
    status === 503 ? 'PGTEL_UNAVAILABLE' : status === 429 ? 'PGTEL_OVERLOADED' : code;
  return errorResponse(status, publicCode, message, errorHeaders(status, retryAfterOf(error)));
}
