import type { Logger } from '../../logger.js';
import { PromQLError } from '../../promql/PromQLError.js';
import type { ApiAnswer } from '../../promql/prometheusApi.js';
import { errorHeaders, logServerError, retryAfterOf, statusOf } from '../httpError.js';

/** Prometheus's `errorType` and its HTTP status. */
const STATUS: Record<string, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  unavailable: 503,
  not_found: 404,
  internal: 500,
};

/** The `errorType` of a thrown error: the engine's own kind, else from pgtel's HTTP status. */
function errorTypeOf(error: unknown): string {
  if (error instanceof PromQLError) return error.kind;
  const status = statusOf(error);
  if ((error as { httpStatus?: number }).httpStatus === 422) return 'execution';
  if (status === 400 || status === 413) return 'bad_data';
  if (status === 404) return 'not_found';
  if (status === 504) return 'timeout';
  if (status === 503 || status === 429) return 'unavailable';
  return 'internal';
}

/** `{status: "success", data, warnings?, infos?}`, as Prometheus answers. */
export function prometheusSuccess<T>(answer: ApiAnswer<T>): Response {
  return Response.json({ status: 'success', ...answer });
}

/**
 * `{status: "error", errorType, error}` with Prometheus's status for the type: 400 bad_data, 422
 * execution, 499 canceled, 503 timeout and unavailable, 404 not_found, 500 internal (whose message
 * says nothing more; the cause is logged).
 */
export function prometheusError(error: unknown, log: { logger?: Logger; request: Request }): Response {
  const errorType = errorTypeOf(error);
  const status = STATUS[errorType]!;
  const url = new URL(log.request.url);
  logServerError(log.logger, status, { method: log.request.method, path: url.pathname }, error);
  const message =
    errorType === 'internal'
      ? 'internal error'
      : errorType === 'unavailable'
        ? 'database unavailable, retry later'
        : errorType === 'timeout' && !(error instanceof PromQLError)
          ? 'query timed out in query execution'
          : error instanceof Error
            ? error.message
            : String(error);
  return Response.json(
    { status: 'error', errorType, error: message },
    { status, headers: errorHeaders(status, retryAfterOf(error)) },
  );
}
