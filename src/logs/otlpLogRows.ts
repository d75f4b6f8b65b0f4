import { toPgText } from '../db/copyText.js';
import { toJsonText } from '../db/jsonText.js';
import type { OtlpLogRecord, OtlpResource, OtlpScope } from '../otlp/otlpModel.js';
import { limitAttributes, TRUNCATED_ATTRIBUTE, truncationMarker } from '../tracing/limitSpanRow.js';
import { unixNanoToIso } from '../tracing/otlpSpanToRow.js';
import type { StoredAttributes } from '../tracing/SpanRow.js';
import { truncateUtf8 } from '../tracing/truncateUtf8.js';
import type { LogRow } from './LogRow.js';
import { logRecordId } from './logRecordId.js';

/**
 * Longest text stored in a log record, in bytes of UTF-8. Longer text is cut (never inside a
 * character) and the record is marked in its `pgtel.truncated` attribute, rather than refused.
 */
export const LOG_TEXT_LIMITS = {
  /** `body`: 1 MiB (the full-text index reads its first 100,000 characters). */
  body: 1_048_576,
  /** `service_name` (indexed). */
  serviceName: 256,
  /** `severity_text`. */
  severityText: 256,
  /** An attribute key (record and resource attributes). */
  attributeKey: 1024,
  /** A string attribute value, also inside arrays and maps, and inside a map or list body. */
  attributeValue: 65_536,
} as const;

/** Byte limits of {@link LOG_TEXT_LIMITS}, one per kind of text. */
export type LogTextLimits = { readonly [K in keyof typeof LOG_TEXT_LIMITS]: number };

/** The time a record is stored under: its time, else (unset) its observed time, in epoch nanoseconds. */
export function logRecordTime(record: OtlpLogRecord): bigint {
  return record.timeUnixNano > 0n ? record.timeUnixNano : record.observedTimeUnixNano;
}

/** The body as the two columns store it, cut to the limits; `cut` is told when anything was cut. */
function storedBody(
  body: OtlpLogRecord['body'],
  limits: LogTextLimits,
  cut: () => void,
): { body: string; bodyJson: unknown } {
  if (body === null) return { body: '', bodyJson: null };
  if (typeof body === 'string') {
    const shorter = truncateUtf8(body, limits.body);
    if (shorter !== undefined) cut();
    return { body: shorter ?? toPgText(body), bodyJson: null };
  }
  // Strings inside a map or list are cut like attribute values; the whole stays within the body limit.
  const wrapped = limitAttributes({ body }, '', limits, cut);
  const json = toJsonText(wrapped.body);
  const shorter = truncateUtf8(json, limits.body);
  if (shorter === undefined) return { body: json, bodyJson: JSON.parse(json) };
  cut();
  // Cut JSON is no longer JSON: the text keeps what fits, the jsonb column nothing.
  return { body: shorter, bodyJson: null };
}

/** What a record's resource and scope become, shared by the records of one envelope. */
interface StoredOrigin {
  serviceName: string;
  resource: StoredAttributes;
  scope: LogRow['scope'];
  /** What was cut, for `pgtel.truncated`. */
  marked: string[];
}

const origins = new WeakMap<OtlpResource, WeakMap<OtlpScope, StoredOrigin>>();

function storedOrigin(record: OtlpLogRecord, limits: LogTextLimits): StoredOrigin {
  // Only the default limits are cached: other limits are rare (tests, tuning) and not worth a key.
  const cache = limits === LOG_TEXT_LIMITS ? origins.get(record.resource) : undefined;
  const cached = cache?.get(record.scope);
  if (cached) return cached;
  const marked: string[] = [];
  const { 'service.name': _serviceName, ...resourceAttributes } = record.resource.attributes;
  const resource = limitAttributes(resourceAttributes, 'resource.', limits, (entry) => marked.push(entry));
  const origin: StoredOrigin = {
    serviceName: text(record.resource.serviceName, limits.serviceName, 'service_name', marked),
    resource,
    scope: {
      name: toPgText(record.scope.name),
      ...(record.scope.version ? { version: toPgText(record.scope.version) } : {}),
      ...(record.scope.schemaUrl ? { schemaUrl: toPgText(record.scope.schemaUrl) } : {}),
    },
    marked,
  };
  if (limits === LOG_TEXT_LIMITS) {
    if (!origins.has(record.resource)) origins.set(record.resource, new WeakMap());
    origins.get(record.resource)!.set(record.scope, origin);
  }
  return origin;
}

function text(value: string, limit: number, name: string, marked: string[]): string {
  const shorter = truncateUtf8(value, limit);
  if (shorter === undefined) return toPgText(value);
  marked.push(name);
  return shorter;
}

/**
 * The `logs` row of an OTLP log record (pure): texts cleaned as PostgreSQL stores them (NUL and lone
 * surrogates become U+FFFD) and cut to `limits` (what was cut is listed in `pgtel.truncated`),
 * `service.name` in a column of its own, and `record_id` computed from the exact-nanosecond time and
 * the record's identity (`logRecordId`).
 */
export function otlpLogRow(record: OtlpLogRecord, limits: LogTextLimits = LOG_TEXT_LIMITS): LogRow {
  const marked: string[] = [];
  let bodyCut = false;
  const { body, bodyJson } = storedBody(record.body, limits, () => {
    bodyCut = true;
  });
  if (bodyCut) marked.push('body');
  const origin = storedOrigin(record, limits);
  marked.push(...origin.marked);
  let attributes: StoredAttributes = limitAttributes(record.attributes, 'attributes.', limits, (entry) =>
    marked.push(entry),
  );
  const severityText = text(record.severityText, limits.severityText, 'severity_text', marked);
  if (marked.length > 0) {
    attributes = { ...attributes, [TRUNCATED_ATTRIBUTE]: truncationMarker(marked) };
  }
  const time = logRecordTime(record);
  const row: Omit<LogRow, 'recordId'> = {
    time: unixNanoToIso(time),
    observedTime: record.observedTimeUnixNano > 0n ? unixNanoToIso(record.observedTimeUnixNano) : null,
    severityNumber: record.severityNumber,
    severityText: severityText === '' ? null : severityText,
    body,
    bodyJson,
    attributes,
    serviceName: origin.serviceName,
    resource: origin.resource,
    scope: origin.scope,
    traceId: record.traceId,
    spanId: record.spanId,
    flags: record.flags,
    droppedAttributesCount: record.droppedAttributesCount,
  };
  return { recordId: logRecordId(time, row), ...row };
}

/** {@link otlpLogRow} of each record (pure). */
export function otlpLogRows(
  records: readonly OtlpLogRecord[],
  limits: LogTextLimits = LOG_TEXT_LIMITS,
): LogRow[] {
  return records.map((record) => otlpLogRow(record, limits));
}
