import { status as GrpcStatus } from '@grpc/grpc-js';
import { isTransientError } from '../db/isTransientError.js';
import { statusOf } from '../http/httpError.js';

/** How long an exporter is asked to wait before retrying a call pgtel could not take now. */
export const GRPC_RETRY_DELAY_MS = 5_000;

/** The gRPC status a failed OTLP/gRPC Export answers with. */
export interface GrpcError {
  code: GrpcStatus;
  /** Developer-facing message (`grpc-message`): what to fix for a bad request, little for a fault. */
  message: string;
  /** Set when the client may retry: sent as google.rpc.RetryInfo in `grpc-status-details-bin`. */
  retryDelayMs?: number;
}

/**
 * The gRPC status of an error thrown while decoding or storing an OTLP/gRPC request, following the
 * OTLP specification's table of retryable codes: the database away or slow is UNAVAILABLE (retryable,
 * with RetryInfo); overload is RESOURCE_EXHAUSTED with RetryInfo (retryable only with it); a message
 * too large is RESOURCE_EXHAUSTED without (never retried); a malformed request is INVALID_ARGUMENT; a
 * missing or wrong token is UNAUTHENTICATED; anything else INTERNAL. Derived from the HTTP status pgtel
 * answers OTLP/HTTP with, so both transports agree.
 */
export function grpcErrorOf(error: unknown): GrpcError {
  const http = statusOf(error);
  const detail = (error as Error)?.message ?? String(error);
  if (http === 503 || http === 504 || (http >= 500 && isTransientError(error))) {
    return {
      code: GrpcStatus.UNAVAILABLE,
      message: 'storage unavailable, retry later',
      retryDelayMs: GRPC_RETRY_DELAY_MS,
    };
  }
  if (http === 429) {
    return {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: `overloaded, retry later: ${detail}`,
      retryDelayMs: GRPC_RETRY_DELAY_MS,
    };
  }
  if (http === 413) return { code: GrpcStatus.RESOURCE_EXHAUSTED, message: detail };
  if (http === 401) return { code: GrpcStatus.UNAUTHENTICATED, message: detail };
  if (http === 403) return { code: GrpcStatus.PERMISSION_DENIED, message: detail };
  if (http >= 400 && http < 500) return { code: GrpcStatus.INVALID_ARGUMENT, message: detail };
  return { code: GrpcStatus.INTERNAL, message: 'internal error' };
}
