import { OverloadedError, PgtelError } from '../errors.js';
import { isTransientError } from './isTransientError.js';

/** How a client should treat a failure it may retry unchanged. */
export interface RetryableFailure {
  /**
   * `overloaded`: pgtel itself is at capacity (HTTP 429, gRPC RESOURCE_EXHAUSTED);
   * `unavailable`: the database is away, slow or busy, or pgtel is shutting down (HTTP 503, gRPC UNAVAILABLE).
   */
  kind: 'overloaded' | 'unavailable';
  /** Seconds the client should wait before retrying (the `Retry-After` header). */
  retryAfterSeconds: number;
}

/** Default `Retry-After` of a 503: long enough for a pool to drain or a server to restart. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Classifies an error as retryable (the same request may succeed later) or not (undefined): pool
 * exhausted or connect timeout, connection lost, statement timeout, serialization failure or deadlock,
 * admin shutdown, too many connections, pgtel shutting down ({@link UnavailableError}) and pgtel at
 * capacity ({@link OverloadedError}). Shared by every ingest protocol so each maps the same
 * conditions to its own codes.
 */
export function retryableFailure(error: unknown): RetryableFailure | undefined {
  if (error instanceof OverloadedError) {
    return { kind: 'overloaded', retryAfterSeconds: error.retryAfterSeconds };
  }
  // Errors the caller caused (bad input, not found) are never retryable, whatever they wrap.
  if (error instanceof PgtelError && error.code !== 'PGTEL_DATABASE' && error.code !== 'PGTEL_UNAVAILABLE') {
    return undefined;
  }
  if (!isTransientError(error)) return undefined;
  const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return {
    kind: 'unavailable',
    retryAfterSeconds: typeof seconds === 'number' ? seconds : UNAVAILABLE_RETRY_AFTER_SECONDS,
  };
}
