import { toPgText } from '../db/copyText.js';

const encoder = new TextEncoder();

/**
 * `text` as PostgreSQL will store it (NUL and lone surrogates become U+FFFD, see `toPgText`), cut to
 * at most `maxBytes` bytes of UTF-8 without splitting a character; `undefined` when it already fits.
 * Pure.
 */
export function truncateUtf8(text: string, maxBytes: number): string | undefined {
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8 (even once replaced by U+FFFD).
  if (text.length * 3 <= maxBytes) return undefined;
  const clean = toPgText(text);
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return undefined;
  // encodeInto writes whole characters only: `read` stops before one that would not fit.
  const { read } = encoder.encodeInto(clean, new Uint8Array(maxBytes));
  return clean.slice(0, read);
}
