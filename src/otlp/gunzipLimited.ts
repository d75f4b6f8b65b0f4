import { gunzip } from 'node:zlib';
import { OtlpDecodeError } from './OtlpDecodeError.js';

/**
 * Decompresses a gzip body (several members allowed) without ever holding more than `maxBytes` of
 * output: zlib stops at the limit, so a gzip bomb costs at most `maxBytes` of memory. Runs on the libuv
 * thread pool, off the event loop.
 *
 * @throws OtlpDecodeError 413 when the output would exceed `maxBytes`, 400 when the data is not valid gzip.
 */
export function gunzipLimited(body: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new OtlpDecodeError(413, `decompressed body exceeds the limit of ${maxBytes} bytes`);
  return new Promise((resolve, reject) => {
    // zlib needs a limit of at least 1 byte; a 0-byte limit is enforced by the length check below.
    gunzip(body, { maxOutputLength: Math.max(1, maxBytes) }, (error, result) => {
      if (error === null && result.length <= maxBytes) resolve(result);
      else if (error === null || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(tooLarge());
      } else reject(new OtlpDecodeError(400, `invalid gzip body: ${error.message}`, { cause: error }));
    });
  });
}
