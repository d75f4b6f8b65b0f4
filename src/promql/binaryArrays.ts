/**
 * Decoding of PostgreSQL's binary array format (`array_send`) for one-dimensional arrays of 8-byte
 * elements without NULLs: a query hands over a series' samples as two byte strings instead of one
 * row per sample, which node reads without parsing text. Pure.
 */

/** Milliseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01 (timestamptz's binary origin). */
const PG_EPOCH_MS = 946_684_800_000;

/** The element count and a view on the first element's length word, after checking the header. */
function elements(bytes: Uint8Array): { view: DataView; count: number; first: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getInt32(0);
  if (dimensions === 0) return { view, count: 0, first: 12 };
  if (dimensions !== 1 || view.getInt32(4) !== 0) {
    throw new Error('expected a one-dimensional array without NULLs in binary format');
  }
  return { view, count: view.getInt32(12), first: 20 };
}

/** The elements of `array_send(float8[])`, in order. */
export function float8ArrayFromBinary(bytes: Uint8Array): Float64Array {
  const { view, count, first } = elements(bytes);
  const out = new Float64Array(count);
  // Each element is a 4-byte length (8) followed by the big-endian double.
  for (let i = 0, at = first + 4; i < count; i++, at += 12) out[i] = view.getFloat64(at);
  return out;
}

/** The elements of `array_send(timestamptz[])` as epoch milliseconds (rounded), in order. */
export function timestamptzArrayFromBinary(bytes: Uint8Array): Float64Array {
  const { view, count, first } = elements(bytes);
  const out = new Float64Array(count);
  // Microseconds since 2000-01-01 as a big-endian int64: exact in a double for any real time.
  for (let i = 0, at = first + 4; i < count; i++, at += 12) {
    const micros = view.getInt32(at) * 4_294_967_296 + view.getUint32(at + 4);
    out[i] = Math.round(micros / 1000) + PG_EPOCH_MS;
  }
  return out;
}
