import { currentDeadline, deadlineIn, withDeadline } from '../db/DeadlineScope.js';
import { retryableFailure } from '../db/retryableFailure.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decodeLogsPayload } from '../otlp/decodeLogsRequest.js';
import { decodeMetricsPayload } from '../otlp/decodeMetricsRequest.js';
import { decodeTracePayload, type OtlpPayloadDecodeOptions } from '../otlp/decodeTraceRequest.js';
import {
  type EncodedOtlpResponse,
  encodeLogsResponse,
  encodeMetricsResponse,
  encodeStatus,
  encodeTraceResponse,
} from '../otlp/encodeResponse.js';
import { IngestBudget } from '../otlp/IngestBudget.js';
import { type OtlpFormat, otlpFormatOf } from '../otlp/otlpFormat.js';
import { DEFAULT_MAX_JSON_DEPTH } from '../otlp/otlpJsonToProtobuf.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces, OtlpRejections } from '../otlp/otlpModel.js';
import { readOtlpPayload } from '../otlp/readOtlpPayload.js';
import { StreamingItemCounter } from '../otlp/StreamingItemCounter.js';
import { errorHeaders, logServerError, statusOf } from './httpError.js';
import { BodyTooLargeError } from './readBody.js';

export interface OtlpSinks {
  /** Stores decoded spans; resolves once they are committed (the 200 promises nothing less). */
  traces(decoded: DecodedTraces): Promise<void>;
  metrics(decoded: DecodedMetrics): Promise<void>;
  /** Stores decoded log records; resolves once they are committed. */
  logs(decoded: DecodedLogs): Promise<void>;
}

/** Default time limit of one ingest request: below the OpenTelemetry exporters' 10 s timeout. */
export const DEFAULT_INGEST_DEADLINE_MS = 8000;
/**
 * What parsing OTLP/JSON costs in memory, as a multiple of its size (the parsed tree and the protobuf
 * made from it): reserved in the budget before the parse starts.
 */
const JSON_PARSE_FACTOR = 8;

/** Default most spans, data points or log records per request. */
export const DEFAULT_MAX_ITEMS_PER_REQUEST = 100_000;

/** How OTLP ingest protects the process; every field has a default. */
export interface IngestGuard {
  /** Time limit of one request, upload and database work included (default 8000 ms): then 503. */
  deadlineMs?: number;
  /** Shared budget of in-flight decompressed bytes (default a budget of its own, 256 MiB): beyond, 429. */
  budget?: IngestBudget;
  /** Most spans, data points or log records per request (default 100,000): beyond, 413. */
  maxItems?: number;
  /** Deepest OTLP/JSON nesting (default 64): beyond, 400. */
  maxJsonDepth?: number;
  /** Where each 5xx answer is logged once with its cause. Default: not logged. */
  logger?: Logger;
}

function send(encoded: EncodedOtlpResponse, status: number, headers: Record<string, string> = {}): Response {
  return new Response(encoded.body, { status, headers: { 'content-type': encoded.contentType, ...headers } });
}

/** Resolves with `work`, or rejects with the abort reason as soon as `signal` aborts. */
export function beforeAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `POST /v1/traces`, `POST /v1/metrics` and `POST /v1/logs` of OTLP/HTTP: 200 with partial success once stored,
 * 400/413/415 for bodies that cannot be accepted, 429 with Retry-After when pgtel's ingest memory
 * budget is spent, 503 with Retry-After when storage is unavailable or the request outlived its
 * deadline (the exporter retries, so nothing it sent is lost). The body streams through gzip into
 * the budget, is decoded in slices (the event loop keeps turning), and the database work runs under
 * the deadline, so nothing holds a connection past it.
 */
export function createOtlpHandlers(sinks: OtlpSinks, maxBodyBytes: number, guard: IngestGuard = {}) {
  const deadlineMs = guard.deadlineMs ?? DEFAULT_INGEST_DEADLINE_MS;
  const budget = guard.budget ?? new IngestBudget();
  const decodeOptions: OtlpPayloadDecodeOptions = {
    maxItems: guard.maxItems ?? DEFAULT_MAX_ITEMS_PER_REQUEST,
    maxJsonDepth: guard.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    transfer: true,
  };
  const handler =
    <T extends OtlpRejections>(
      signal: 'traces' | 'metrics' | 'logs',
      decode: (payload: Uint8Array, format: OtlpFormat, options: OtlpPayloadDecodeOptions) => Promise<T>,
      store: (decoded: T) => Promise<void>,
      encode: (result: OtlpRejections, type: string | undefined) => EncodedOtlpResponse,
    ) =>
    async (request: Request): Promise<Response> => {
      const contentType = request.headers.get('content-type') ?? undefined;
      const deadline = deadlineIn(
        // A deadline already running (a caller's own) is never extended.
        Math.min(deadlineMs, currentDeadline()?.remainingMs() ?? deadlineMs),
        () => new UnavailableError(`ingest request outlived its deadline of ${deadlineMs} ms`),
      );
      const reservation = budget.open();
      let bodyRead = false;
      const work = (async () => {
        const format = otlpFormatOf(contentType); // refuse a wrong content type (415) before reading
        // Protobuf items are counted as they stream in: an oversized request stops being read early.
        const counter =
          format === 'protobuf' ? new StreamingItemCounter(signal, decodeOptions.maxItems!) : undefined;
        const payload = await readOtlpPayload(
          request.body,
          request.headers.get('content-encoding') ?? undefined,
          {
            maxWireBytes: maxBodyBytes,
            maxPayloadBytes: maxBodyBytes * 4,
            reservation,
            bodyTooLarge: (limit) => new BodyTooLargeError(limit),
            signal: deadline.signal,
            inspect: counter && ((chunk) => counter.push(chunk)),
          },
        );
        bodyRead = true;
        if (format === 'json') reservation.grow(payload.length * (JSON_PARSE_FACTOR - 1));
        const decoded = await decode(payload, format, { ...decodeOptions, signal: deadline.signal });
        await withDeadline(deadline, () => store(decoded));
        return decoded;
      })();
      // The budget is given back once the work has let go of the payload, not when the answer leaves.
      void work.then(
        () => reservation.release(),
        () => reservation.release(),
      );
      try {
        const decoded = await beforeAbort(work, deadline.signal);
        return send(encode(decoded, contentType), 200);
      } catch (error) {
        const retryable = retryableFailure(error);
        const status = retryable ? (retryable.kind === 'overloaded' ? 429 : 503) : statusOf(error);
        logServerError(
          guard.logger,
          status,
          { method: request.method, path: new URL(request.url).pathname },
          error,
        );
        const message =
          status === 429
            ? (error as Error).message
            : status === 503
              ? 'storage unavailable, retry later'
              : status >= 500
                ? 'internal error'
                : (error as Error).message;
        return send(encodeStatus({ message }, contentType), status, {
          ...errorHeaders(status, retryable?.retryAfterSeconds),
          // A body left partly unread cannot be followed by another request on this connection.
          ...(bodyRead ? {} : { connection: 'close' }),
        });
      } finally {
        deadline.dispose();
      }
    };
  return {
    traces: handler('traces', decodeTracePayload, (d) => sinks.traces(d), encodeTraceResponse),
    metrics: handler('metrics', decodeMetricsPayload, (d) => sinks.metrics(d), encodeMetricsResponse),
    logs: handler('logs', decodeLogsPayload, (d) => sinks.logs(d), encodeLogsResponse),
  };
}
