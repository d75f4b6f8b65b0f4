import { ValidationError } from '../errors.js';
import { isValidSpanId, isValidTraceId } from './ids.js';

/** Position after the last span of a page, in the search order (start time, trace id, span id; descending). */
export interface SpanCursor {
  /** Start time in microseconds since the epoch (a Date would lose the microseconds). */
  startMicros: number;
  traceId: string;
  spanId: string;
}

/** An opaque, URL-safe cursor string. */
export function encodeSpanCursor(cursor: SpanCursor): string {
  return Buffer.from(JSON.stringify([cursor.startMicros, cursor.traceId, cursor.spanId])).toString(
    'base64url',
  );
}

/** Reads a cursor made by `encodeSpanCursor`; throws ValidationError for anything else. */
export function decodeSpanCursor(text: string): SpanCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    isValidTraceId(value[1]) &&
    typeof value[2] === 'string' &&
    isValidSpanId(value[2])
  ) {
    return { startMicros: value[0], traceId: value[1], spanId: value[2] };
  }
  throw new ValidationError('Invalid cursor: pass back the nextCursor of a previous page unchanged');
}
