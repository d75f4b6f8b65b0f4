import { toJsonText } from '../db/jsonText.js';

/** Span kinds as stored (OpenTelemetry's SpanKind, lowercased). */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** Span status codes as stored (OpenTelemetry's SpanStatusCode, lowercased). */
export type SpanStatusName = 'unset' | 'ok' | 'error';

/** JSON-safe attribute map: non-finite numbers are kept as the strings "NaN", "Infinity", "-Infinity". */
export type StoredAttributes = Record<string, unknown>;

export interface StoredEvent {
  name: string;
  /** ISO-8601 UTC with microseconds. */
  time: string;
  attributes: StoredAttributes;
  droppedAttributesCount: number;
}

export interface StoredLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: StoredAttributes;
  droppedAttributesCount: number;
}

/**
 * One row of the `spans` table, ready for COPY. Produced by `spanToRow` from an SDK span and, later,
 * from OTLP requests; `writeSpanRows` stores any source of them.
 */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceState: string | null;
  operationName: string;
  kind: SpanKindName;
  serviceName: string;
  /** ISO-8601 UTC with microseconds (a Date would lose them). */
  startTime: string;
  endTime: string;
  durationMs: number;
  status: SpanStatusName;
  statusMessage: string | null;
  attributes: StoredAttributes;
  events: StoredEvent[];
  links: StoredLink[];
  resource: StoredAttributes;
  scope: { name: string; version?: string; schemaUrl?: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

/** Column order of `spanRowValues`. */
export const SPAN_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'trace_state',
  'operation_name',
  'kind',
  'service_name',
  'start_time',
  'end_time',
  'duration_ms',
  'status',
  'status_message',
  'attributes',
  'events',
  'links',
  'resource',
  'scope',
  'dropped_attributes_count',
  'dropped_events_count',
  'dropped_links_count',
] as const;

/** The row's values in `SPAN_COLUMNS` order. */
export function spanRowValues(row: SpanRow): unknown[] {
  return [
    row.traceId,
    row.spanId,
    row.parentSpanId,
    row.traceState,
    row.operationName,
    row.kind,
    row.serviceName,
    row.startTime,
    row.endTime,
    row.durationMs,
    row.status,
    row.statusMessage,
    row.attributes,
    // Arrays would be encoded as PostgreSQL arrays; these columns are jsonb.
    toJsonText(row.events),
    toJsonText(row.links),
    row.resource,
    row.scope,
    row.droppedAttributesCount,
    row.droppedEventsCount,
    row.droppedLinksCount,
  ];
}
