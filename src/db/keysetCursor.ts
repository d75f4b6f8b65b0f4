import { ValidationError } from '../errors.js';

/**
 * Keyset position of the last item of a page, in the order of a read (newest first): its time and
 * a tie-breaking id. The one cursor of every paged read (spans, traces, workflows, logs).
 */
export interface KeysetCursor {
  /** Microseconds since the epoch: PostgreSQL's precision, so no row is skipped or repeated. */
  at: number;
  /** What orders rows of the same time: a trace id, a workflow id, a record id, a span's trace and span ids. */
  id: string;
}

/** The cursor as an opaque string for a client to pass back unchanged (base64url JSON). */
export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/**
 * Reads a cursor string; anything not made by `encodeKeysetCursor` is a ValidationError, including
 * an id that `isId` rejects (the id reaches SQL typed, so a malformed one must stop here).
 */
export function decodeKeysetCursor(
  text: string | undefined,
  isId: (id: string) => boolean,
): KeysetCursor | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) invalid();
  const [at, id] = value;
  if (!Number.isSafeInteger(at) || typeof id !== 'string') invalid();
  checkKeysetCursor({ at, id }, isId);
  return { at, id };
}

/** Refuses a cursor object that no page handed out (a library caller builds them by hand too). */
export function checkKeysetCursor(cursor: KeysetCursor, isId: (id: string) => boolean): void {
  if (
    !Number.isSafeInteger(cursor?.at) ||
    typeof cursor.id !== 'string' ||
    cursor.id.length > 200 ||
    !isId(cursor.id)
  )
    invalid();
}

function invalid(): never {
  throw new ValidationError('cursor is not valid: pass back the nextCursor of a previous page unchanged');
}
