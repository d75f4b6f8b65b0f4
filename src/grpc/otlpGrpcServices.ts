import { runWithinDeadline } from '../db/DeadlineScope.js';
import { UnavailableError } from '../errors.js';
import {
  DEFAULT_INGEST_DEADLINE_MS,
  DEFAULT_MAX_ITEMS_PER_REQUEST,
  type IngestGuard,
  type OtlpSinks,
} from '../http/otlpHandlers.js';
import { decodeLogsRequest } from '../otlp/decodeLogsRequest.js';
import { decodeMetricsRequest } from '../otlp/decodeMetricsRequest.js';
import { decodeTraceRequest, type OtlpPayloadDecodeOptions } from '../otlp/decodeTraceRequest.js';
import {
  type EncodedOtlpResponse,
  encodeLogsResponse,
  encodeMetricsResponse,
  encodeTraceResponse,
} from '../otlp/encodeResponse.js';
import { otlpContentTypes } from '../otlp/otlpFormat.js';
import type { OtlpRejections } from '../otlp/otlpModel.js';

/** One OTLP collector service: its unary `Export` method takes a serialized request, answers bytes. */
export interface OtlpGrpcService {
  /** Fully qualified gRPC service name, e.g. `opentelemetry.proto.collector.trace.v1.TraceService`. */
  name: string;
  /** Decodes the (already decompressed) Export*ServiceRequest, stores it, encodes the response. */
  export(request: Uint8Array): Promise<Uint8Array>;
}

const PROTOBUF = otlpContentTypes.protobuf;

/** A service whose Export decodes like OTLP/HTTP's protobuf bodies and stores through the same sink. */
function exportService<T extends OtlpRejections>(
  name: string,
  decode: (
    body: Uint8Array,
    contentType: string,
    encoding: undefined,
    o: OtlpPayloadDecodeOptions,
  ) => Promise<T>,
  store: (decoded: T) => Promise<void>,
  encode: (result: OtlpRejections, contentType: string) => EncodedOtlpResponse,
  maxMessageBytes: number,
  guard: IngestGuard,
): OtlpGrpcService {
  const deadlineMs = guard.deadlineMs ?? DEFAULT_INGEST_DEADLINE_MS;
  const maxItems = guard.maxItems ?? DEFAULT_MAX_ITEMS_PER_REQUEST;
  return {
    name,
    async export(request) {
      // gRPC has undone the compression and checked the size already: the body is plain protobuf,
      // held until the call ends, so it counts against the shared ingest budget (429 equivalent).
      const reservation = guard.budget?.open();
      try {
        reservation?.grow(request.byteLength);
        return await runWithinDeadline(
          deadlineMs,
          () => new UnavailableError(`ingest call outlived its deadline of ${deadlineMs} ms`),
          async (signal) => {
            const decoded = await decode(request, PROTOBUF, undefined, {
              maxBodyBytes: maxMessageBytes,
              maxItems,
              signal,
            });
            await store(decoded);
            return encode(decoded, PROTOBUF).body;
          },
        );
      } finally {
        reservation?.release();
      }
    },
  };
}

/**
 * The OTLP/gRPC services pgtel serves, storing through the same sinks as `POST /v1/traces`,
 * `POST /v1/metrics` and `POST /v1/logs`, with the same partial-success answers and the same protection (`guard`: the
 * deadline, the item cap and the shared memory budget; defaults as for OTLP/HTTP). A further signal is one more entry
 * (its service name, decoder, sink and encoder).
 */
export function otlpGrpcServices(
  sinks: OtlpSinks,
  maxMessageBytes: number,
  guard: IngestGuard = {},
): OtlpGrpcService[] {
  return [
    exportService(
      'opentelemetry.proto.collector.trace.v1.TraceService',
      decodeTraceRequest,
      (decoded) => sinks.traces(decoded),
      encodeTraceResponse,
      maxMessageBytes,
      guard,
    ),
    exportService(
      'opentelemetry.proto.collector.metrics.v1.MetricsService',
      decodeMetricsRequest,
      (decoded) => sinks.metrics(decoded),
      encodeMetricsResponse,
      maxMessageBytes,
      guard,
    ),
    exportService(
      'opentelemetry.proto.collector.logs.v1.LogsService',
      decodeLogsRequest,
      (decoded) => sinks.logs(decoded),
      encodeLogsResponse,
      maxMessageBytes,
      guard,
    ),
  ];
}
