import { PgtelError } from '../errors.js';

/** A request body over the limit (HTTP 413). */
export class BodyTooLargeError extends PgtelError {
  readonly httpStatus = 413;

  constructor(limit: number) {
    super('PGTEL_INVALID', `request body exceeds the limit of ${limit} bytes`);
  }
}

/** Reads a request body, refusing (and cancelling the upload) as soon as it passes `limit` bytes. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
