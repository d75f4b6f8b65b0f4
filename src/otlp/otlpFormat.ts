import { OtlpDecodeError } from './OtlpDecodeError.js';

/** The two OTLP/HTTP payload encodings. */
export type OtlpFormat = 'protobuf' | 'json';

/** The Content-Type header value a response in `format` carries. */
export const otlpContentTypes: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * The payload encoding named by a Content-Type header: `application/x-protobuf` (or
 * `application/protobuf`) and `application/json`, parameters such as `charset` ignored, case-insensitive.
 * Anything else is an {@link OtlpDecodeError} with status 415.
 */
export function otlpFormatOf(contentType: string | undefined): OtlpFormat {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  throw new OtlpDecodeError(
    415,
    `unsupported content type ${JSON.stringify(contentType ?? '')}: OTLP/HTTP accepts application/x-protobuf or application/json`,
  );
}
