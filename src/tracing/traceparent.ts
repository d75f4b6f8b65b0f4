import { isValidSpanId, isValidTraceId } from './ids.js';

/** A span context received from another service (W3C Trace Context). */
export interface RemoteSpanContext {
  traceId: string;
  spanId: string;
  /** W3C trace flags; bit 0 is "sampled". */
  traceFlags: number;
  /** The validated `tracestate` header, if any. */
  traceState?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const KEY = /^(?:[a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Parses a `traceparent` header; undefined for anything the W3C spec says to ignore. */
export function parseTraceparent(
  header: string | undefined,
): Omit<RemoteSpanContext, 'traceState'> | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is forbidden; version 00 has exactly four fields; later versions may add more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidTraceId(traceId!) || !isValidSpanId(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: Number.parseInt(flags!, 16) };
}

/** `00-<trace id>-<span id>-<flags>`. */
export function formatTraceparent(context: Omit<RemoteSpanContext, 'traceState'>): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Validates a `tracestate` header (at most 32 well-formed, distinct `key=value` members) and
 * returns it normalized, or undefined when it is absent or malformed (then it is dropped whole).
 */
export function parseTracestate(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const members = header
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (members.length === 0 || members.length > 32) return undefined;
  const keys = new Set<string>();
  for (const member of members) {
    const eq = member.indexOf('=');
    const key = member.slice(0, eq);
    if (eq <= 0 || !KEY.test(key) || !VALUE.test(member.slice(eq + 1)) || keys.has(key)) return undefined;
    keys.add(key);
  }
  return members.join(',');
}
