import protobuf from 'protobufjs';
import { exceedsJsonDepth } from './jsonNestingDepth.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { otlpTypes } from './protoRoot.js';
import { readOtlpJson } from './readOtlpJson.js';

/** The OTLP requests pgtel ingests. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** Default deepest nesting of arrays and objects in an OTLP/JSON body. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const requestTypes: Record<OtlpSignal, protobuf.Type> = {
  traces: otlpTypes.ExportTraceServiceRequest,
  metrics: otlpTypes.ExportMetricsServiceRequest,
  logs: otlpTypes.ExportLogsServiceRequest,
};

// An id that is not valid hex of any length must stay invalid as bytes: one byte is no valid id.
const INVALID_ID = Uint8Array.of(0);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const UINT64 = (1n << 64n) - 1n;

/** A bigint as the {low, high} pair protobufjs writes for int64 fields. */
function longBits(value: bigint): { low: number; high: number; unsigned: boolean } {
  const bits = BigInt.asUintN(64, value) & UINT64;
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

/** Rewrites what the JSON reader gives into values protobufjs can encode: hex ids to bytes, bigint to bits. */
function encodable(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(message)) {
    const field = type.fields[key];
    if (field === undefined) continue;
    const resolved = field.resolve().resolvedType;
    const convert = (value: unknown): unknown => {
      if (resolved instanceof protobuf.Type) return encodable(resolved, value as Record<string, unknown>);
      if (typeof value === 'bigint') return longBits(value);
      if (field.type === 'bytes' && typeof value === 'string') {
        return HEX.test(value) ? Buffer.from(value, 'hex') : INVALID_ID;
      }
      return value;
    };
    const value = message[key];
    message[key] = Array.isArray(value) ? value.map(convert) : convert(value);
  }
  return message;
}

/**
 * Turns an OTLP/JSON body into the protobuf encoding of the same request, after refusing (400) a
 * body nested deeper than `maxDepth` before parsing it: the work `pgtel serve` runs off the event
 * loop, so the main thread only decodes compact protobuf, in slices. Ids that are not hex become
 * bytes of an invalid length, so the spans they belong to are still rejected, with the same reason.
 *
 * @throws OtlpDecodeError 400 for invalid JSON, a bad field or too deep a nesting
 */
export function otlpJsonToProtobuf(signal: OtlpSignal, payload: Uint8Array, maxDepth: number): Uint8Array {
  if (exceedsJsonDepth(payload, maxDepth)) {
    throw new OtlpDecodeError(
      400,
      `OTLP/JSON body nests arrays or objects deeper than ${maxDepth} levels (option maxJsonDepth)`,
    );
  }
  const type = requestTypes[signal];
  const raw = readOtlpJson(type, payload) as Record<string, unknown>;
  return type.encode(encodable(type, raw)).finish();
}
