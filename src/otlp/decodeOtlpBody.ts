import type protobuf from 'protobufjs';
import { DEFAULT_MAX_BODY_BYTES } from '../config.js';
import { ConfigError } from '../errors.js';
import { gunzipLimited } from './gunzipLimited.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { type OtlpFormat, otlpFormatOf } from './otlpFormat.js';
import { readOtlpJson } from './readOtlpJson.js';

export interface OtlpDecodeOptions {
  /**
   * Largest body accepted, checked both as received and after gzip decompression (413 beyond).
   * Default {@link DEFAULT_MAX_BODY_BYTES} (16 MiB), as for `pgtel serve`'s `maxBodyBytes`.
   */
  maxBodyBytes?: number;
  /**
   * Most spans (traces) or data points (metrics) one request may carry; one more is a 413, found
   * while decoding. Default: unlimited (`pgtel serve` passes `maxItemsPerRequest`, 100,000).
   */
  maxItems?: number;
  /** Deepest nesting of arrays and objects in an OTLP/JSON body; deeper is a 400. Default: 64. */
  maxJsonDepth?: number;
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
 * The payload of an OTLP/HTTP request body and its format: checks the content type (415), the size
 * before and after decompression (413) and undoes gzip. A `maxBodyBytes` that is not a non-negative
 * integer is a ConfigError.
 */
export async function otlpPayloadOf(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  options: OtlpDecodeOptions = {},
): Promise<{ format: OtlpFormat; payload: Uint8Array }> {
  const format = otlpFormatOf(contentType);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ConfigError(`maxBodyBytes must be a non-negative integer, got ${maxBytes}`);
  }
  if (body.byteLength > maxBytes) {
    throw new OtlpDecodeError(
      413,
      `request body of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  }
  return { format, payload: await decodeContentEncoding(body, contentEncoding ?? '', maxBytes) };
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
  const { format, payload } = await otlpPayloadOf(body, contentType, contentEncoding, options);
  if (format === 'json') return readOtlpJson(type, payload);
  try {
    // A Buffer view lets protobufjs decode strings with Buffer's native UTF-8 decoder.
    return type.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  } catch (error) {
    throw new OtlpDecodeError(400, `malformed protobuf: ${(error as Error).message}`, { cause: error });
  }
}
