import type { SliceOptions } from './decodeProtobufInSlices.js';
import type { OtlpPayloadDecodeOptions } from './decodeTraceRequest.js';
import type { OtlpFormat } from './otlpFormat.js';
import { DEFAULT_MAX_JSON_DEPTH, type OtlpSignal } from './otlpJsonToProtobuf.js';
import { TimeSlicer } from './TimeSlicer.js';
import { transcodeOtlpJson } from './transcodeOtlpJson.js';

/**
 * Decodes an OTLP request payload (already decompressed) without holding the event loop for more
 * than a slice (~20 ms) at a time, the way every signal does: OTLP/JSON is first turned into protobuf
 * (on a worker thread when large, see transcodeOtlpJson.ts), the protobuf is decoded item by item
 * (`decodeProtobuf`, stopping with a 413 past `maxItems`), then mapped to pgtel's model (`map`),
 * all paced by one slicer that also stops at `options.signal`.
 *
 * @throws OtlpDecodeError 400 (malformed, JSON too deep) or 413 (too many items)
 */
export async function decodePayloadInSlices<Raw, Decoded>(
  signal: OtlpSignal,
  payload: Uint8Array,
  format: OtlpFormat,
  options: OtlpPayloadDecodeOptions,
  decodeProtobuf: (protobuf: Uint8Array, slicing: SliceOptions) => Promise<Raw>,
  map: (raw: Raw, slicer: TimeSlicer) => Promise<Decoded>,
): Promise<Decoded> {
  const protobuf =
    format === 'json'
      ? await transcodeOtlpJson(
          signal,
          payload,
          options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
          options.transfer,
        )
      : payload;
  const slicer = new TimeSlicer(undefined, options.signal);
  return map(await decodeProtobuf(protobuf, { maxItems: options.maxItems, slicer }), slicer);
}
