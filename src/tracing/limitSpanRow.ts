import type { SpanRow, StoredAttributes, StoredEvent, StoredLink } from './SpanRow.js';
import { truncateUtf8 } from './truncateUtf8.js';

/**
 * Longest text stored in a span, in bytes of UTF-8. Longer text is cut (never inside a character)
 * and the span is marked, rather than refused. The indexed columns keep btree entries far below
 * PostgreSQL's limit of about 2,700 bytes: `(service_name, operation_name, start_time)` stays under
 * 1,300 bytes.
 */
export const SPAN_TEXT_LIMITS = {
  /** `operation_name` (indexed). */
  operationName: 1024,
  /** `service_name` (indexed). */
  serviceName: 256,
  /** `status_message`. */
  statusMessage: 4096,
  /** The name of an event. */
  eventName: 1024,
  /** An attribute key (span, resource, event and link attributes). */
  attributeKey: 1024,
  /** A string attribute value, also inside arrays and maps. */
  attributeValue: 65_536,
} as const;

/** Attribute listing what was cut, e.g. `["operation_name", "attributes.http.url"]`. */
export const TRUNCATED_ATTRIBUTE = 'pgtel.truncated';
/** Attribute listing what was clamped: `["end_time"]` for a span that ended before it started. */
export const CLAMPED_ATTRIBUTE = 'pgtel.clamped';
/** The end time as received, on a span whose end was clamped to its start. */
export const ORIGINAL_END_TIME_ATTRIBUTE = 'pgtel.original_end_time';

/** Entries beyond this are summarized as one `... and N more`. */
const MAX_MARKED = 32;
/** Longest key quoted in a marker entry. */
const MARKER_KEY_BYTES = 128;

/** Byte limits of {@link SPAN_TEXT_LIMITS}, one per kind of text. */
export type SpanTextLimits = { readonly [K in keyof typeof SPAN_TEXT_LIMITS]: number };
type Limits = SpanTextLimits;
/** The limits that apply to attribute maps. */
export type AttributeLimits = Pick<SpanTextLimits, 'attributeKey' | 'attributeValue'>;

/** A JSON value with long strings cut; the same object when nothing was cut. */
function limitValue(value: unknown, limits: AttributeLimits, cut: () => void): unknown {
  if (typeof value === 'string') {
    const shorter = truncateUtf8(value, limits.attributeValue);
    if (shorter === undefined) return value;
    cut();
    return shorter;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = limitValue(value[i], limits, cut);
      if (item === value[i]) continue;
      out ??= [...value];
      out[i] = item;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    return limitAttributes(value as StoredAttributes, '', limits, () => {}, cut);
  }
  return value;
}

function setOwn(target: StoredAttributes, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Attributes with long keys and string values cut; `mark(path)` is told of each top-level entry
 * cut (`path` + key). Returns the same object when nothing was cut. A cut key that collides with
 * another keeps the later value, as a repeated key does. Pure.
 */
export function limitAttributes(
  attributes: StoredAttributes,
  path: string,
  limits: AttributeLimits,
  mark: (entry: string) => void,
  cutInside: () => void = () => {},
): StoredAttributes {
  let out: StoredAttributes | undefined;
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key];
    const shorterKey = truncateUtf8(key, limits.attributeKey);
    let valueCut = false;
    const limited = limitValue(value, limits, () => {
      valueCut = true;
    });
    if (shorterKey === undefined && !valueCut) {
      if (out) setOwn(out, key, value);
      continue;
    }
    if (!out) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j]!, attributes[keys[j]!]);
    }
    const storedKey = shorterKey ?? key;
    setOwn(out, storedKey, limited);
    const quoted = truncateUtf8(storedKey, MARKER_KEY_BYTES) ?? storedKey;
    if (shorterKey !== undefined) mark(`${path}${quoted} (key)`);
    if (valueCut) mark(`${path}${quoted}`);
    cutInside();
  }
  return out ?? attributes;
}

/** The value of the `pgtel.truncated` attribute for what was cut: at most 32 entries, then a count. */
export function truncationMarker(marked: readonly string[]): string[] {
  return marked.length > MAX_MARKED
    ? [...marked.slice(0, MAX_MARKED), `... and ${marked.length - MAX_MARKED} more`]
    : [...marked];
}

function isoMicros(iso: string): number {
  // `.ffffffZ` carries microseconds a Date would drop.
  const micros = /\.(\d{6})Z$/.exec(iso);
  const millis = Date.parse(iso);
  return micros ? Math.floor(millis / 1000) * 1_000_000 + Number(micros[1]) : millis * 1000;
}

/**
 * The row made storable as it is, rather than refused: over-long names, messages, attribute keys
 * and string values are cut to {@link SPAN_TEXT_LIMITS} (listed in the `pgtel.truncated` attribute),
 * and an end before the start is clamped to the start (`pgtel.clamped: ["end_time"]`, the received
 * end in `pgtel.original_end_time`). Returns the same row when nothing needed changing. Pure.
 */
export function limitSpanRow(row: SpanRow, limits: Limits = SPAN_TEXT_LIMITS): SpanRow {
  const marked: string[] = [];
  const mark = (entry: string) => marked.push(entry);
  const changed: Partial<SpanRow> = {};
  const text = (field: 'operationName' | 'serviceName', limit: number, name: string) => {
    const shorter = truncateUtf8(row[field], limit);
    if (shorter === undefined) return;
    changed[field] = shorter;
    mark(name);
  };
  text('operationName', limits.operationName, 'operation_name');
  text('serviceName', limits.serviceName, 'service_name');
  if (row.statusMessage !== null) {
    const shorter = truncateUtf8(row.statusMessage, limits.statusMessage);
    if (shorter !== undefined) {
      changed.statusMessage = shorter;
      mark('status_message');
    }
  }
  const attributes = limitAttributes(row.attributes, 'attributes.', limits, mark);
  const resource = limitAttributes(row.resource, 'resource.', limits, mark);
  if (resource !== row.resource) changed.resource = resource;

  let events: StoredEvent[] | undefined;
  row.events.forEach((event, i) => {
    const name = truncateUtf8(event.name, limits.eventName);
    if (name !== undefined) mark(`events[${i}].name`);
    const eventAttributes = limitAttributes(event.attributes, `events[${i}].attributes.`, limits, mark);
    if (name === undefined && eventAttributes === event.attributes) return;
    events ??= [...row.events];
    events[i] = { ...event, name: name ?? event.name, attributes: eventAttributes };
  });
  if (events) changed.events = events;

  let links: StoredLink[] | undefined;
  row.links.forEach((link, i) => {
    const linkAttributes = limitAttributes(link.attributes, `links[${i}].attributes.`, limits, mark);
    if (linkAttributes === link.attributes) return;
    links ??= [...row.links];
    links[i] = { ...link, attributes: linkAttributes };
  });
  if (links) changed.links = links;

  const markers: StoredAttributes = {};
  if (marked.length > 0) markers[TRUNCATED_ATTRIBUTE] = truncationMarker(marked);
  if (isoMicros(row.endTime) < isoMicros(row.startTime)) {
    changed.endTime = row.startTime;
    changed.durationMs = 0;
    markers[CLAMPED_ATTRIBUTE] = ['end_time'];
    markers[ORIGINAL_END_TIME_ATTRIBUTE] = row.endTime;
  }
  if (Object.keys(changed).length === 0 && attributes === row.attributes) return row;
  const withMarkers =
    Object.keys(markers).length > 0 ? Object.assign({ ...attributes }, markers) : attributes;
  return { ...row, ...changed, attributes: withMarkers };
}
