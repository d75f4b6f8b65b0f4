import { PgtelError } from '../errors.js';

/** A request body over the limit (HTTP 413). */
export class BodyTooLargeError extends PgtelError {
  readonly httpStatus = 413;

  constructor(limit: number) {
    super('PGTEL_INVALID', `request body exceeds the limit of ${limit} bytes`);
  }
}

// Past the limit, up to this many times the limit is read and discarded so the client (still
// uploading) can read the 413; beyond it the connection is cut. Memory stays bounded either way.
const DISCARD_FACTOR = 4;

/** Reads a request body, keeping at most `limit` bytes; a larger body is a BodyTooLargeError. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit * DISCARD_FACTOR) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit * DISCARD_FACTOR) {
      await reader.cancel().catch(() => {});
      break;
    }
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}
