import { ValidationError } from '../../errors.js';

/** Keyset position of the last item of a page: its time and a tie-breaking id. */
export interface PageCursor {
  /** Microseconds since the epoch: PostgreSQL's precision, so no row is skipped or repeated. */
  at: number;
  id: string;
}

/** An opaque `cursor` string for the next page (base64url JSON); clients pass it back unchanged. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/**
 * Reads a `cursor` parameter; anything not made by `encodeCursor` is a ValidationError, including an
 * id that `isId` rejects (the id reaches SQL typed, so a malformed one must stop here).
 */
export function decodeCursor(
  text: string | undefined,
  isId: (id: string) => boolean,
): PageCursor | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== 'string' ||
    value[1].length > 200 ||
    !isId(value[1])
  )
    throw new ValidationError('cursor is not valid: pass back the nextCursor of a previous page unchanged');
  return { at: value[0], id: value[1] };
}
