import type { SpanKindName, SpanStatusName, StoredAttributes, StoredEvent, StoredLink } from './SpanRow.js';

/** A span as read back from the `spans` table. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  operationName: string;
  serviceName: string;
  kind: SpanKindName;
  startTime: Date;
  endTime: Date;
  durationMs: number;
  status: SpanStatusName;
  statusMessage: string | null;
  attributes: StoredAttributes;
  events: StoredEvent[];
  links: StoredLink[];
  resource: StoredAttributes;
  scope: { name: string; version?: string; schemaUrl?: string };
}

/** Columns selected for a `StoredSpan`, in SQL. */
export const STORED_SPAN_COLUMNS = `trace_id AS "traceId", span_id AS "spanId", parent_span_id AS "parentSpanId",
  operation_name AS "operationName", service_name AS "serviceName", kind, start_time AS "startTime",
  end_time AS "endTime", duration_ms AS "durationMs", status, status_message AS "statusMessage",
  attributes, events, links, resource, scope`;
