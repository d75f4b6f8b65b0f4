import type { OtlpSinks } from '../http/otlpHandlers.js';
import { decodeMetricsRequest } from '../otlp/decodeMetricsRequest.js';
import type { OtlpDecodeOptions } from '../otlp/decodeOtlpBody.js';
import { decodeTraceRequest } from '../otlp/decodeTraceRequest.js';
import {
  type EncodedOtlpResponse,
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
  decode: (body: Uint8Array, contentType: string, encoding: undefined, o: OtlpDecodeOptions) => Promise<T>,
  store: (decoded: T) => Promise<void>,
  encode: (result: OtlpRejections, contentType: string) => EncodedOtlpResponse,
  maxMessageBytes: number,
): OtlpGrpcService {
  return {
    name,
    async export(request) {
      // gRPC has undone the compression and checked the size already: the body is plain protobuf.
      const decoded = await decode(request, PROTOBUF, undefined, { maxBodyBytes: maxMessageBytes });
      await store(decoded);
      return encode(decoded, PROTOBUF).body;
    },
  };
}

/**
 * The OTLP/gRPC services pgtel serves, storing through the same sinks as `POST /v1/traces` and
 * `POST /v1/metrics`, with the same partial-success answers. A further signal is one more entry
 * (e.g. `opentelemetry.proto.collector.logs.v1.LogsService` with its decoder, sink and encoder).
 */
export function otlpGrpcServices(sinks: OtlpSinks, maxMessageBytes: number): OtlpGrpcService[] {
  return [
    exportService(
      'opentelemetry.proto.collector.trace.v1.TraceService',
      decodeTraceRequest,
      (decoded) => sinks.traces(decoded),
      encodeTraceResponse,
      maxMessageBytes,
    ),
    exportService(
      'opentelemetry.proto.collector.metrics.v1.MetricsService',
      decodeMetricsRequest,
      (decoded) => sinks.metrics(decoded),
      encodeMetricsResponse,
      maxMessageBytes,
    ),
  ];
}
