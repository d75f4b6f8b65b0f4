import { toJsonText } from '../db/jsonText.js';
import type { StoredAttributes } from '../tracing/SpanRow.js';

/** One row of the `logs` table, ready for COPY: what `otlpLogRows` makes of an OTLP log record. */
export interface LogRow {
  /** The record's identity hash as decimal text of a signed 64-bit integer (`logRecordId`). */
  recordId: string;
  /** ISO-8601 UTC with microseconds: the record's time, else its observed time. */
  time: string;
  /** ISO-8601 UTC with microseconds, or null when the sender left it unset. */
  observedTime: string | null;
  /** 0 (unspecified) to 24 (FATAL4). */
  severityNumber: number;
  severityText: string | null;
  /** A string body as is; any other body as its JSON text ('' when absent). */
  body: string;
  /** A body that is not a string (map, list, number, boolean), as JSON; null otherwise. */
  bodyJson: unknown;
  attributes: StoredAttributes;
  serviceName: string;
  /** Resource attributes other than `service.name`. */
  resource: StoredAttributes;
  scope: { name: string; version?: string; schemaUrl?: string };
  traceId: string | null;
  spanId: string | null;
  flags: number;
  droppedAttributesCount: number;
}

/** Column order of `logRowValues`. */
export const LOG_COLUMNS = [
  'record_id',
  'time',
  'observed_time',
  'severity_number',
  'severity_text',
  'body',
  'body_json',
  'attributes',
  'service_name',
  'resource',
  'scope',
  'trace_id',
  'span_id',
  'flags',
  'dropped_attributes_count',
] as const;

const jsonTexts = new WeakMap<object, string>();

/**
 * The JSON text of an object of a row, computed once per object: the record id and the COPY both
 * need it, and the records of one resource share their resource and scope objects. Rows are never
 * changed once made.
 */
export function storedJson(value: object): string {
  let text = jsonTexts.get(value);
  if (text === undefined) {
    text = toJsonText(value);
    jsonTexts.set(value, text);
  }
  return text;
}

/** The row's values in `LOG_COLUMNS` order. */
export function logRowValues(row: LogRow): unknown[] {
  return [
    row.recordId,
    row.time,
    row.observedTime,
    row.severityNumber,
    row.severityText,
    row.body,
    // Arrays would be encoded as PostgreSQL arrays, numbers as numbers: the column is jsonb.
    row.bodyJson === null ? null : toJsonText(row.bodyJson),
    storedJson(row.attributes),
    row.serviceName,
    storedJson(row.resource),
    storedJson(row.scope),
    row.traceId,
    row.spanId,
    row.flags,
    row.droppedAttributesCount,
  ];
}
