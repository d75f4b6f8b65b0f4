import protobuf from 'protobufjs';

/*
 * google.rpc.Status with its `details`, google.protobuf.Any, google.protobuf.Duration and
 * google.rpc.RetryInfo: field names and numbers follow googleapis (Copyright Google LLC, Apache
 * License 2.0) and protobuf's well-known types (Copyright Google Inc., BSD 3-Clause).
 */
const STATUS_DETAILS_PROTO = `
syntax = "proto3";
package pgtel.grpc;

message Any {
  string type_url = 1;
  bytes value = 2;
}
message Duration {
  int64 seconds = 1;
  int32 nanos = 2;
}
message RetryInfo {
  Duration retry_delay = 1;
}
message Status {
  int32 code = 1;
  string message = 2;
  repeated Any details = 3;
}
`;

const root = protobuf.parse(STATUS_DETAILS_PROTO).root;
const StatusType = root.lookupType('pgtel.grpc.Status');
const RetryInfoType = root.lookupType('pgtel.grpc.RetryInfo');

/** The `type_url` a google.rpc.RetryInfo detail carries. */
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * The `grpc-status-details-bin` trailer of a failed call: a google.rpc.Status (same code and message as
 * the call's status) with one google.rpc.RetryInfo telling the client to wait `retryDelayMs` before
 * retrying. OTLP exporters treat RESOURCE_EXHAUSTED as retryable only when this detail is present.
 */
export function retryInfoStatus(code: number, message: string, retryDelayMs: number): Buffer {
  const retryInfo = RetryInfoType.encode({
    retryDelay: { seconds: Math.floor(retryDelayMs / 1000), nanos: (retryDelayMs % 1000) * 1_000_000 },
  }).finish();
  const status = StatusType.encode({
    code,
    message,
    details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: retryInfo }],
  }).finish();
  return Buffer.from(status.buffer, status.byteOffset, status.byteLength);
}

/** Reads back what {@link retryInfoStatus} wrote: the status code, message and retry delay in ms (if any). */
export function readRetryInfoStatus(bytes: Uint8Array): {
  code: number;
  message: string;
  retryDelayMs: number | undefined;
} {
  const status = StatusType.toObject(StatusType.decode(bytes), { longs: Number, defaults: true }) as {
    code: number;
    message: string;
    details: { typeUrl: string; value: Uint8Array }[];
  };
  const detail = status.details.find((d) => d.typeUrl === RETRY_INFO_TYPE_URL);
  let retryDelayMs: number | undefined;
  if (detail) {
    const info = RetryInfoType.toObject(RetryInfoType.decode(detail.value), {
      longs: Number,
      defaults: true,
    }) as { retryDelay?: { seconds: number; nanos: number } };
    retryDelayMs = info.retryDelay ? info.retryDelay.seconds * 1000 + info.retryDelay.nanos / 1e6 : 0;
  }
  return { code: status.code, message: status.message, retryDelayMs };
}
