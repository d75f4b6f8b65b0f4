import type protobuf from 'protobufjs';
import { ConfigError } from '../errors.js';
import { gunzipLimited } from './gunzipLimited.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { otlpFormatOf } from './otlpFormat.js';
import { readOtlpJson } from './readOtlpJson.js';

/** The OTLP specification's recommended request size limit: 64 MiB. */
export const DEFAULT_MAX_OTLP_BODY_BYTES = 64 * 1024 * 1024;

export interface OtlpDecodeOptions {
  /**
   * Largest body accepted, checked both as received and after gzip decompression (413 beyond).
   * Default {@link DEFAULT_MAX_OTLP_BODY_BYTES} (64 MiB).
   */
  maxBodyBytes?: number;
}

async function decodeContentEncoding(body: Uint8Array, contentEncoding: string, maxBytes: number) {
  const encoding = contentEncoding.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipLimited(body, maxBytes);
  throw new OtlpDecodeError(
    415,
    `unsupported content encoding ${JSON.stringify(contentEncoding)}: use gzip or none`,
  );
}

/**
 * Turns an OTLP/HTTP request body into the raw message of `type` (see `rawOtlp.ts`): checks the content
 * type (415), the size before and after decompression (413), undoes gzip, then decodes protobuf or
 * OTLP/JSON (400 when malformed). Throws nothing but {@link OtlpDecodeError} for any body; a
 * `maxBodyBytes` that is not a non-negative integer is a ConfigError.
 */
export async function decodeOtlpBody(
  type: protobuf.Type,
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  options: OtlpDecodeOptions = {},
): Promise<unknown> {
  const format = otlpFormatOf(contentType);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_OTLP_BODY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ConfigError(`maxBodyBytes must be a non-negative integer, got ${maxBytes}`);
  }
  if (body.byteLength > maxBytes) {
    throw new OtlpDecodeError(
      413,
      `request body of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  }
  const payload = await decodeContentEncoding(body, contentEncoding ?? '', maxBytes);
  if (format === 'json') return readOtlpJson(type, payload);
  try {
    // A Buffer view lets protobufjs decode strings with Buffer's native UTF-8 decoder.
    return type.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  } catch (error) {
    throw new OtlpDecodeError(400, `malformed protobuf: ${(error as Error).message}`, { cause: error });
  }
}
