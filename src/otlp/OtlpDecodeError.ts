import { ValidationError } from '../errors.js';

/** The HTTP status an OTLP/HTTP server answers for a request it cannot decode. */
export type OtlpDecodeStatus =
  /** malformed protobuf, JSON, gzip or field values */
  | 400
  /** body larger than the limit, before or after decompression */
  | 413
  /** content type or content encoding pgtel does not accept */
  | 415;

/**
 * An OTLP/HTTP request body that cannot be decoded. The only error the OTLP decoders throw, whatever
 * the input bytes; `httpStatus` is the status the server should answer with (code `PGTEL_INVALID`).
 */
export class OtlpDecodeError extends ValidationError {
  readonly httpStatus: OtlpDecodeStatus;

  constructor(httpStatus: OtlpDecodeStatus, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.httpStatus = httpStatus;
  }
}
