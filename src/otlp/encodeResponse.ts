import type protobuf from 'protobufjs';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { type OtlpFormat, otlpContentTypes, otlpFormatOf } from './otlpFormat.js';
import type { OtlpRejections } from './otlpModel.js';
import { otlpTypes } from './protoRoot.js';

/** Messages are cut to this many characters, keeping responses far below OTLP's 4 MiB response limit. */
const MAX_MESSAGE_CHARS = 4096;

/** A response body and the Content-Type header to send with it. */
export interface EncodedOtlpResponse {
  body: Uint8Array;
  contentType: string;
}

/**
 * The request's encoding, which the response must use (OTLP/HTTP). A request in an unsupported
 * content type gets JSON, readable by whoever sent it.
 */
function responseFormat(requestContentType: string | undefined): OtlpFormat {
  try {
    return otlpFormatOf(requestContentType);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return 'json';
    throw error;
  }
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 3)}...` : message;
}

function encode(type: protobuf.Type, message: object, format: OtlpFormat): EncodedOtlpResponse {
  const body =
    format === 'protobuf' ? type.encode(message).finish() : new TextEncoder().encode(JSON.stringify(message));
  return { body, contentType: otlpContentTypes[format] };
}

function exportResponse(
  type: protobuf.Type,
  rejectedField: string,
  { rejected, errorMessage }: OtlpRejections,
  requestContentType: string | undefined,
): EncodedOtlpResponse {
  const format = responseFormat(requestContentType);
  // Full success leaves partial_success unset; a message alone is a warning with 0 rejected.
  if (rejected === 0 && errorMessage === '') return encode(type, {}, format);
  // int64 is a decimal string in proto3 JSON.
  const count = format === 'json' ? String(rejected) : rejected;
  return encode(
    type,
    { partialSuccess: { [rejectedField]: count, errorMessage: truncate(errorMessage) } },
    format,
  );
}

/**
 * The body of a 200 answer to `POST /v1/traces`: an ExportTraceServiceResponse, with `partial_success`
 * set when spans were rejected (or `errorMessage` carries a warning), in the request's encoding.
 */
export function encodeTraceResponse(
  result: OtlpRejections,
  requestContentType: string | undefined,
): EncodedOtlpResponse {
  return exportResponse(otlpTypes.ExportTraceServiceResponse, 'rejectedSpans', result, requestContentType);
}

/** The body of a 200 answer to `POST /v1/metrics` (ExportMetricsServiceResponse); see {@link encodeTraceResponse}. */
export function encodeMetricsResponse(
  result: OtlpRejections,
  requestContentType: string | undefined,
): EncodedOtlpResponse {
  return exportResponse(
    otlpTypes.ExportMetricsServiceResponse,
    'rejectedDataPoints',
    result,
    requestContentType,
  );
}

/** The body of a 200 answer to `POST /v1/logs` (ExportLogsServiceResponse); see {@link encodeTraceResponse}. */
export function encodeLogsResponse(
  result: OtlpRejections,
  requestContentType: string | undefined,
): EncodedOtlpResponse {
  return exportResponse(
    otlpTypes.ExportLogsServiceResponse,
    'rejectedLogRecords',
    result,
    requestContentType,
  );
}

/**
 * The body of a 4xx/5xx OTLP/HTTP answer: a google.rpc.Status with a developer-facing message, in
 * the request's encoding (JSON when the request's content type was unsupported). `code` is a
 * google.rpc.Code; OTLP clients ignore it, so it may be left out. Messages longer than 4096 characters
 * are truncated (so are partial-success messages).
 */
export function encodeStatus(
  status: { message: string; code?: number },
  requestContentType: string | undefined,
): EncodedOtlpResponse {
  return encode(
    otlpTypes.Status,
    { ...status, message: truncate(status.message) },
    responseFormat(requestContentType),
  );
}
