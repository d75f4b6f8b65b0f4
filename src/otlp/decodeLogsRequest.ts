import { anyValueToJson, keyValuesToAttributes } from './anyValue.js';
import { otlpPayloadOf } from './decodeOtlpBody.js';
import { decodePayloadInSlices } from './decodePayloadInSlices.js';
import { decodeLogsProtobufInSlices } from './decodeProtobufInSlices.js';
import type { OtlpPayloadDecodeOptions } from './decodeTraceRequest.js';
import { int64ToBigInt } from './int64.js';
import type { OtlpFormat } from './otlpFormat.js';
import { idToHex } from './otlpIds.js';
import type { DecodedLogs, OtlpLogRecord, OtlpResource, OtlpScope } from './otlpModel.js';
import { RejectionLog } from './RejectionLog.js';
import type { RawLogRecord, RawLogsRequest } from './rawOtlp.js';
import { toResource, toScope } from './resourceAndScope.js';
import { TimeSlicer } from './TimeSlicer.js';

/** A log record, or why it is rejected. */
function toLogRecord(raw: RawLogRecord, resource: OtlpResource, scope: OtlpScope): OtlpLogRecord | string {
  const traceId = idToHex(raw.traceId, 16);
  const spanId = idToHex(raw.spanId, 8);
  if (traceId === null) return 'invalid trace id (must be empty or 16 bytes, not all zero)';
  if (spanId === null) return 'invalid span id (must be empty or 8 bytes, not all zero)';
  const severityNumber = raw.severityNumber ?? 0;
  if (!(severityNumber >= 0 && severityNumber <= 24)) return 'severity number outside 0..24';
  return {
    resource,
    scope,
    timeUnixNano: int64ToBigInt(raw.timeUnixNano),
    observedTimeUnixNano: int64ToBigInt(raw.observedTimeUnixNano),
    severityNumber,
    severityText: raw.severityText ?? '',
    body: anyValueToJson(raw.body),
    attributes: keyValuesToAttributes(raw.attributes),
    droppedAttributesCount: raw.droppedAttributesCount ?? 0,
    flags: raw.flags ?? 0,
    traceId: traceId === '' ? null : traceId,
    spanId: spanId === '' ? null : spanId,
  };
}

/** Maps every record of `request` into `records` or `rejections`, one step per record. */
function* mapRecords(
  request: RawLogsRequest,
  records: OtlpLogRecord[],
  rejections: RejectionLog,
): Generator<void> {
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = toResource(resourceLogs.resource, resourceLogs.schemaUrl);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scope = toScope(scopeLogs.scope, scopeLogs.schemaUrl);
      for (const raw of scopeLogs.logRecords ?? []) {
        const record = toLogRecord(raw, resource, scope);
        if (typeof record === 'string') rejections.reject(record);
        else records.push(record);
        yield;
      }
    }
  }
}

/** Maps a raw ExportLogsServiceRequest to log records in slices; invalid records are counted, not thrown. */
export async function mapLogsRequestInSlices(
  request: RawLogsRequest,
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<DecodedLogs> {
  const logRecords: OtlpLogRecord[] = [];
  const rejections = new RejectionLog('log records');
  const steps = mapRecords(request, logRecords, rejections);
  for (let step = steps.next(); !step.done; step = steps.next()) {
    if (slicer.due()) await slicer.pause();
  }
  return { logRecords, ...rejections.result() };
}

/**
 * Decodes an ExportLogsServiceRequest payload (already decompressed) in slices, as
 * `decodeTracePayload` does spans: protobuf record by record, OTLP/JSON turned into protobuf first
 * (on a worker thread when large). Stops with a 413 as soon as the record count passes `maxItems`.
 *
 * @throws OtlpDecodeError 400 (malformed, JSON too deep) or 413 (too many records)
 */
export async function decodeLogsPayload(
  payload: Uint8Array,
  format: OtlpFormat,
  options: OtlpPayloadDecodeOptions = {},
): Promise<DecodedLogs> {
  return decodePayloadInSlices(
    'logs',
    payload,
    format,
    options,
    decodeLogsProtobufInSlices,
    mapLogsRequestInSlices,
  );
}

/**
 * Decodes an OTLP/HTTP `POST /v1/logs` body (ExportLogsServiceRequest) in protobuf or JSON,
 * optionally gzip-compressed. Records with invalid ids or severity are left out and counted in
 * `rejected`.
 *
 * @throws OtlpDecodeError (only) with the HTTP status to answer: 400, 413 or 415
 */
export async function decodeLogsRequest(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding?: string,
  options?: OtlpPayloadDecodeOptions,
): Promise<DecodedLogs> {
  const { format, payload } = await otlpPayloadOf(body, contentType, contentEncoding, options);
  return decodeLogsPayload(payload, format, options);
}
