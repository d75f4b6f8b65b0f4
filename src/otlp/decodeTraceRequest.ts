import { keyValuesToAttributes } from './anyValue.js';
import { type OtlpDecodeOptions, otlpPayloadOf } from './decodeOtlpBody.js';
import { decodePayloadInSlices } from './decodePayloadInSlices.js';
import { decodeTraceProtobufInSlices } from './decodeProtobufInSlices.js';
import { int64ToBigInt, nanosToDate } from './int64.js';
import type { OtlpFormat } from './otlpFormat.js';
import { idToHex } from './otlpIds.js';
import type {
  DecodedTraces,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpSpanKind,
  OtlpSpanLink,
  OtlpStatusCode,
} from './otlpModel.js';
import { RejectionLog } from './RejectionLog.js';
import type { RawLink, RawSpan, RawTraceRequest } from './rawOtlp.js';
import { toResource, toScope } from './resourceAndScope.js';
import { TimeSlicer } from './TimeSlicer.js';

const KINDS: readonly OtlpSpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const STATUS_CODES: readonly OtlpStatusCode[] = ['unset', 'ok', 'error'];

/** A link, or why its span is rejected. */
function toLink(raw: RawLink): OtlpSpanLink | string {
  const traceId = idToHex(raw.traceId, 16);
  const spanId = idToHex(raw.spanId, 8);
  if (!traceId) return 'invalid link trace id';
  if (!spanId) return 'invalid link span id';
  return {
    traceId,
    spanId,
    traceState: raw.traceState ?? '',
    attributes: keyValuesToAttributes(raw.attributes),
    droppedAttributesCount: raw.droppedAttributesCount ?? 0,
    flags: raw.flags ?? 0,
  };
}

/** A span, or why it is rejected. */
function toSpan(raw: RawSpan, resource: OtlpResource, scope: OtlpScope): OtlpSpan | string {
  const traceId = idToHex(raw.traceId, 16);
  const spanId = idToHex(raw.spanId, 8);
  const parentSpanId = idToHex(raw.parentSpanId, 8);
  if (!traceId) return 'invalid trace id (must be 16 bytes, not all zero)';
  if (!spanId) return 'invalid span id (must be 8 bytes, not all zero)';
  if (parentSpanId === null) return 'invalid parent span id (must be empty or 8 bytes, not all zero)';
  const links: OtlpSpanLink[] = [];
  for (const rawLink of raw.links ?? []) {
    const link = toLink(rawLink);
    if (typeof link === 'string') return link;
    links.push(link);
  }
  const startTimeUnixNano = int64ToBigInt(raw.startTimeUnixNano);
  const endTimeUnixNano = int64ToBigInt(raw.endTimeUnixNano);
  return {
    resource,
    scope,
    traceId,
    spanId,
    parentSpanId: parentSpanId === '' ? null : parentSpanId,
    traceState: raw.traceState ?? '',
    flags: raw.flags ?? 0,
    name: raw.name ?? '',
    kind: KINDS[raw.kind ?? 0] ?? 'unspecified',
    startTimeUnixNano,
    startTime: nanosToDate(startTimeUnixNano),
    endTimeUnixNano,
    endTime: nanosToDate(endTimeUnixNano),
    attributes: keyValuesToAttributes(raw.attributes),
    events: (raw.events ?? []).map((event) => {
      const timeUnixNano = int64ToBigInt(event.timeUnixNano);
      return {
        timeUnixNano,
        time: nanosToDate(timeUnixNano),
        name: event.name ?? '',
        attributes: keyValuesToAttributes(event.attributes),
        droppedAttributesCount: event.droppedAttributesCount ?? 0,
      };
    }),
    links,
    status: { code: STATUS_CODES[raw.status?.code ?? 0] ?? 'unset', message: raw.status?.message ?? '' },
    droppedAttributesCount: raw.droppedAttributesCount ?? 0,
    droppedEventsCount: raw.droppedEventsCount ?? 0,
    droppedLinksCount: raw.droppedLinksCount ?? 0,
  };
}

/** Maps every span of `request` into `spans` or `rejections`, one step per span. */
function* mapSpans(request: RawTraceRequest, spans: OtlpSpan[], rejections: RejectionLog): Generator<void> {
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = toResource(resourceSpans.resource, resourceSpans.schemaUrl);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = toScope(scopeSpans.scope, scopeSpans.schemaUrl);
      for (const rawSpan of scopeSpans.spans ?? []) {
        const span = toSpan(rawSpan, resource, scope);
        if (typeof span === 'string') rejections.reject(span);
        else spans.push(span);
        yield;
      }
    }
  }
}

/** Maps a raw ExportTraceServiceRequest (protobuf or JSON) to spans; invalid spans are counted, not thrown. */
export function mapTraceRequest(request: RawTraceRequest): DecodedTraces {
  const spans: OtlpSpan[] = [];
  const rejections = new RejectionLog('spans');
  const steps = mapSpans(request, spans, rejections);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return { spans, ...rejections.result() };
}

/** {@link mapTraceRequest} in slices, pausing for the event loop whenever `slicer` says so. */
export async function mapTraceRequestInSlices(
  request: RawTraceRequest,
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<DecodedTraces> {
  const spans: OtlpSpan[] = [];
  const rejections = new RejectionLog('spans');
  const steps = mapSpans(request, spans, rejections);
  for (let step = steps.next(); !step.done; step = steps.next()) {
    if (slicer.due()) await slicer.pause();
  }
  return { spans, ...rejections.result() };
}

/** Options of {@link decodeTracePayload}. */
export interface OtlpPayloadDecodeOptions extends OtlpDecodeOptions {
  /** The payload may be handed to a worker thread without a copy (and emptied here). Default: false. */
  transfer?: boolean;
  /** Abandons the decoding (throwing the abort reason) when it aborts. Default: none. */
  signal?: AbortSignal;
}

/**
 * Decodes an ExportTraceServiceRequest payload (already decompressed) without holding the event
 * loop for more than a slice (~20 ms) at a time: protobuf is decoded span by span, OTLP/JSON is
 * first turned into protobuf on a worker thread (see transcodeOtlpJson.ts). Stops with a 413 as soon
 * as the span count passes `maxItems`.
 *
 * @throws OtlpDecodeError 400 (malformed, JSON too deep) or 413 (too many spans)
 */
export async function decodeTracePayload(
  payload: Uint8Array,
  format: OtlpFormat,
  options: OtlpPayloadDecodeOptions = {},
): Promise<DecodedTraces> {
  return decodePayloadInSlices(
    'traces',
    payload,
    format,
    options,
    decodeTraceProtobufInSlices,
    mapTraceRequestInSlices,
  );
}

/**
 * Decodes an OTLP/HTTP `POST /v1/traces` body (ExportTraceServiceRequest) in protobuf or JSON,
 * optionally gzip-compressed. Spans with invalid ids are left out and counted in `rejected`. Decoding
 * runs in slices (see {@link decodeTracePayload}).
 *
 * @param contentType the request's Content-Type (`application/x-protobuf` or `application/json`)
 * @param contentEncoding the request's Content-Encoding (`gzip` or none)
 * @throws OtlpDecodeError (only) with the HTTP status to answer: 400, 413 or 415
 */
export async function decodeTraceRequest(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding?: string,
  options?: OtlpPayloadDecodeOptions,
): Promise<DecodedTraces> {
  const { format, payload } = await otlpPayloadOf(body, contentType, contentEncoding, options);
  return decodeTracePayload(payload, format, options);
}
