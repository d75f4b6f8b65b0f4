import { decodeMetricsRequest } from '../otlp/decodeMetricsRequest.js';
import { decodeTraceRequest } from '../otlp/decodeTraceRequest.js';
import {
  type EncodedOtlpResponse,
  encodeMetricsResponse,
  encodeStatus,
  encodeTraceResponse,
} from '../otlp/encodeResponse.js';
import { otlpFormatOf } from '../otlp/otlpFormat.js';
import type { DecodedMetrics, DecodedTraces, OtlpRejections } from '../otlp/otlpModel.js';
import { errorHeaders, statusOf } from './httpError.js';
import { readBody } from './readBody.js';

export interface OtlpSinks {
  /** Stores decoded spans; resolves once they are committed (the 200 promises nothing less). */
  traces(decoded: DecodedTraces): Promise<void>;
  metrics(decoded: DecodedMetrics): Promise<void>;
}

function send(encoded: EncodedOtlpResponse, status: number, headers: Record<string, string> = {}): Response {
  return new Response(encoded.body, { status, headers: { 'content-type': encoded.contentType, ...headers } });
}

/**
 * `POST /v1/traces` and `POST /v1/metrics` of OTLP/HTTP: 200 with partial success once stored,
 * 400/413/415 for bodies that cannot be accepted, 503 with Retry-After when storage is unavailable
 * (the exporter retries, so nothing it sent is lost).
 */
export function createOtlpHandlers(sinks: OtlpSinks, maxBodyBytes: number) {
  const handler =
    <T extends OtlpRejections>(
      decode: (
        body: Uint8Array,
        type: string | undefined,
        encoding: string | undefined,
        o: { maxBodyBytes: number },
      ) => Promise<T>,
      store: (decoded: T) => Promise<void>,
      encode: (result: OtlpRejections, type: string | undefined) => EncodedOtlpResponse,
    ) =>
    async (request: Request): Promise<Response> => {
      const contentType = request.headers.get('content-type') ?? undefined;
      try {
        otlpFormatOf(contentType); // refuse a wrong content type (415) before reading the upload
        const body = await readBody(request, maxBodyBytes);
        const decoded = await decode(
          body,
          contentType,
          request.headers.get('content-encoding') ?? undefined,
          {
            maxBodyBytes: maxBodyBytes * 4,
          },
        );
        await store(decoded);
        return send(encode(decoded, contentType), 200);
      } catch (error) {
        const status = statusOf(error);
        const retryable = status === 503 || status === 504;
        const message =
          status >= 500 && !retryable
            ? 'internal error'
            : retryable
              ? 'storage unavailable, retry later'
              : (error as Error).message;
        return send(encodeStatus({ message }, contentType), status, {
          ...errorHeaders(status),
          ...(retryable ? { 'retry-after': '5' } : {}),
        });
      }
    };
  return {
    traces: handler(decodeTraceRequest, (d) => sinks.traces(d), encodeTraceResponse),
    metrics: handler(decodeMetricsRequest, (d) => sinks.metrics(d), encodeMetricsResponse),
  };
}
