import { currentDeadline, deadlineIn, withDeadline } from '../db/DeadlineScope.js';
import { retryableFailure } from '../db/retryableFailure.js';
import { UnavailableError } from '../errors.js';
import { IngestBudget } from '../otlp/IngestBudget.js';
import { readOtlpPayload } from '../otlp/readOtlpPayload.js';
import { decodeWriteRequest } from '../prometheus/decodeWriteRequest.js';
import type { RemoteWriteRequest } from '../prometheus/RemoteWrite.js';
import { errorHeaders, logServerError, statusOf } from './httpError.js';
import {
  beforeAbort,
  DEFAULT_INGEST_DEADLINE_MS,
  DEFAULT_MAX_ITEMS_PER_REQUEST,
  type IngestGuard,
} from './otlpHandlers.js';
import { BodyTooLargeError } from './readBody.js';

/** Stores a decoded remote write request; resolves once it is committed. */
export type RemoteWriteSink = (request: RemoteWriteRequest) => Promise<void>;

/** A decompressed body may be this many times the wire limit (Snappy gains about 5x on samples). */
const DECOMPRESSION_FACTOR = 8;

function text(message: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

/**
 * `POST /api/v1/write`, Prometheus remote write 1.0: 204 once stored; 400 (plain text, as Prometheus
 * answers) for a body that is not Snappy, not a WriteRequest, has an invalid label set, or holds a
 * sample Prometheus would refuse (out of order, another value at a stored timestamp, out of bounds),
 * which the sender drops instead of retrying; 413 over the size or sample limits; 429 and 503 with
 * Retry-After under the same ingest guard as OTLP (memory budget, deadline, storage outage), which
 * the sender retries from its own write-ahead log, so nothing is lost.
 */
export function createRemoteWriteHandler(
  store: RemoteWriteSink,
  maxBodyBytes: number,
  guard: IngestGuard = {},
) {
  const deadlineMs = guard.deadlineMs ?? DEFAULT_INGEST_DEADLINE_MS;
  const budget = guard.budget ?? new IngestBudget();
  const maxSamples = guard.maxItems ?? DEFAULT_MAX_ITEMS_PER_REQUEST;
  return async (request: Request): Promise<Response> => {
    const deadline = deadlineIn(
      Math.min(deadlineMs, currentDeadline()?.remainingMs() ?? deadlineMs),
      () => new UnavailableError(`ingest request outlived its deadline of ${deadlineMs} ms`),
    );
    const reservation = budget.open();
    let bodyRead = false;
    const work = (async () => {
      // Read as is: the Snappy block is inflated below, once its declared size fits the limits.
      const body = await readOtlpPayload(request.body, undefined, {
        maxWireBytes: maxBodyBytes,
        maxPayloadBytes: maxBodyBytes,
        reservation,
        bodyTooLarge: (limit) => new BodyTooLargeError(limit),
        signal: deadline.signal,
      });
      bodyRead = true;
      const decoded = decodeWriteRequest(body, {
        maxPayloadBytes: maxBodyBytes * DECOMPRESSION_FACTOR,
        maxSamples,
        reserve: (bytes) => reservation.grow(bytes),
      });
      await withDeadline(deadline, () => store(decoded));
    })();
    void work.then(
      () => reservation.release(),
      () => reservation.release(),
    );
    try {
      await beforeAbort(work, deadline.signal);
      return new Response(null, { status: 204 });
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
        status === 503
          ? 'storage unavailable, retry later'
          : status >= 500
            ? 'internal error'
            : (error as Error).message;
      return text(message, status, {
        ...errorHeaders(status, retryable?.retryAfterSeconds),
        ...(bodyRead ? {} : { connection: 'close' }),
      });
    } finally {
      deadline.dispose();
    }
  };
}
