import type { Attributes, HrTime, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ValidationError } from '../errors.js';
import { isValidSpanId, isValidTraceId } from './ids.js';
import type {
  SpanKindName,
  SpanRow,
  SpanStatusName,
  StoredAttributes,
  StoredEvent,
  StoredLink,
} from './SpanRow.js';

// Indexed by OpenTelemetry's numeric SpanKind and SpanStatusCode, so no runtime import is needed.
const KINDS: readonly SpanKindName[] = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error'];

export interface SpanToRowOptions {
  /** Service name when the span's resource has no `service.name` (default `unknown_service`). */
  serviceName?: string;
  /** Longest string kept in an attribute value; longer ones are cut (default 65,536 characters). */
  maxStringLength?: number;
}

/** ISO-8601 UTC with microseconds from an OpenTelemetry `[seconds, nanoseconds]` time. */
export function hrTimeToIso(time: HrTime): string {
  const [seconds, nanos] = time;
  const micros = Math.floor(nanos / 1000)
    .toString()
    .padStart(6, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${micros}Z`;
}

/** Milliseconds in an OpenTelemetry `[seconds, nanoseconds]` duration. */
export function hrTimeToMs(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function storedValue(value: unknown, maxLength: number): unknown {
  if (typeof value === 'string') return value.length > maxLength ? value.slice(0, maxLength) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => storedValue(item, maxLength));
  // Not a valid attribute type; keep a readable trace of it rather than fail the span.
  return String(value);
}

/** Attribute values as JSON-safe values: NaN and infinities as strings, long strings cut. */
export function storedAttributes(attributes: Attributes | undefined, maxLength = 65_536): StoredAttributes {
  const out: StoredAttributes = {};
  if (!attributes) return out;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value !== undefined) out[key] = storedValue(value, maxLength);
  }
  return out;
}

function storedEvent(event: TimedEvent, maxLength: number): StoredEvent {
  return {
    name: event.name,
    time: hrTimeToIso(event.time),
    attributes: storedAttributes(event.attributes, maxLength),
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function storedLink(link: Link, maxLength: number): StoredLink {
  const { traceId, spanId, traceState } = link.context;
  return {
    traceId,
    spanId,
    ...(traceState ? { traceState: traceState.serialize() } : {}),
    attributes: storedAttributes(link.attributes, maxLength),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
  };
}

/** Maps a finished SDK span to a `spans` row. Pure; throws ValidationError for invalid ids. */
export function spanToRow(span: ReadableSpan, options: SpanToRowOptions = {}): SpanRow {
  const maxLength = options.maxStringLength ?? 65_536;
  const context = span.spanContext();
  if (!isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) {
    throw new ValidationError(`Span "${span.name}" has an invalid trace or span id`);
  }
  const parent = span.parentSpanContext?.spanId;
  const resource = storedAttributes(span.resource?.attributes, maxLength);
  const resourceService = resource['service.name'];
  const scope = span.instrumentationScope;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parent && isValidSpanId(parent) ? parent : null,
    traceState: context.traceState?.serialize() || null,
    operationName: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    serviceName:
      typeof resourceService === 'string' && resourceService !== ''
        ? resourceService
        : (options.serviceName ?? 'unknown_service'),
    startTime: hrTimeToIso(span.startTime),
    endTime: hrTimeToIso(span.endTime),
    durationMs: Math.max(0, hrTimeToMs(span.duration)),
    status: STATUSES[span.status.code] ?? 'unset',
    statusMessage: span.status.message || null,
    attributes: storedAttributes(span.attributes, maxLength),
    events: span.events.map((event) => storedEvent(event, maxLength)),
    links: span.links.map((link) => storedLink(link, maxLength)),
    resource,
    scope: {
      name: scope.name,
      ...(scope.version ? { version: scope.version } : {}),
      ...(scope.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}),
    },
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
