import protobuf from 'protobufjs';
import { OtlpDecodeError } from './OtlpDecodeError.js';

/** Same nesting limit as protobufjs's binary decoder (and protoc). */
const MAX_DEPTH = 100;
/** OTLP/JSON carries these bytes fields as hex, not base64; they stay text until validated. */
const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
const INTEGER_TEXT = /^-?\d{1,20}$/;
const FLOAT_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64_TEXT = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** A bad value somewhere below; the path is filled in on the way up. */
class JsonFieldError extends Error {
  readonly path: string[] = [];
}

type Convert = (value: unknown, depth: number) => unknown;
interface FieldPlan {
  repeated: boolean;
  convert: Convert;
}

function fail(reason: string): never {
  throw new JsonFieldError(reason);
}

function integer(min: number, max: number): Convert {
  return (value) => {
    const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max)
      return number;
    return fail(`expected an integer in [${min}, ${max}]`);
  };
}

function int64(signed: boolean): Convert {
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  return (value) => {
    let big: bigint | undefined;
    if (typeof value === 'string' && INTEGER_TEXT.test(value)) big = BigInt(value);
    else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
    if (big !== undefined && big >= min && big <= max) return big;
    return fail(`expected a ${signed ? '' : 'non-negative '}64-bit integer (number or decimal string)`);
  };
}

const toDouble: Convert = (value) => {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  if (typeof value === 'string' && FLOAT_TEXT.test(value)) return Number(value);
  return fail('expected a number');
};

const toText: Convert = (value) => (typeof value === 'string' ? value : fail('expected a string'));
const toBool: Convert = (value) => (typeof value === 'boolean' ? value : fail('expected true or false'));
const toBytes: Convert = (value) =>
  typeof value === 'string' && BASE64_TEXT.test(value)
    ? Buffer.from(value, 'base64')
    : fail('expected base64');

const scalarConverters: Record<string, Convert> = {
  string: toText,
  bool: toBool,
  double: toDouble,
  float: toDouble,
  bytes: toBytes,
  int32: integer(-(2 ** 31), 2 ** 31 - 1),
  sint32: integer(-(2 ** 31), 2 ** 31 - 1),
  sfixed32: integer(-(2 ** 31), 2 ** 31 - 1),
  uint32: integer(0, 2 ** 32 - 1),
  fixed32: integer(0, 2 ** 32 - 1),
  int64: int64(true),
  sint64: int64(true),
  sfixed64: int64(true),
  uint64: int64(false),
  fixed64: int64(false),
};

// Replaces invalid UTF-8 (as protobuf string decoding does) and drops a leading byte order mark.
const utf8 = new TextDecoder();
const plans = new WeakMap<protobuf.Type, Map<string, FieldPlan>>();
const toEnumNumber = scalarConverters.int32!;

/**
 * proto3 JSON spells an enum by its value name (`"SPAN_KIND_CLIENT"`) or by its number; both are
 * accepted for every enum field. Numbers outside the enum are kept (proto3 enums are open).
 */
function enumConverter(type: protobuf.Enum): Convert {
  const names = Object.keys(type.values);
  return (value, depth) => {
    if (typeof value === 'string' && Object.hasOwn(type.values, value)) return type.values[value];
    if (typeof value === 'string' && !INTEGER_TEXT.test(value)) {
      return fail(`expected a number or one of ${names.join(', ')}`);
    }
    return toEnumNumber(value, depth);
  };
}

function converterFor(field: protobuf.Field): Convert {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) return (value, depth) => readMessage(resolved, value, depth + 1);
  if (resolved instanceof protobuf.Enum) return enumConverter(resolved);
  if (field.type === 'bytes' && HEX_ID_FIELDS.has(field.name)) return toText;
  const convert = scalarConverters[field.type];
  if (convert === undefined)
    throw new Error(`OTLP schema field ${field.fullName} has unsupported type ${field.type}`);
  return convert;
}

function planFor(type: protobuf.Type): Map<string, FieldPlan> {
  let plan = plans.get(type);
  if (plan === undefined) {
    plan = new Map(type.fieldsArray.map((f) => [f.name, { repeated: f.repeated, convert: converterFor(f) }]));
    plans.set(type, plan);
  }
  return plan;
}

function readRepeated(convert: Convert, value: unknown, depth: number): unknown[] {
  if (!Array.isArray(value)) return fail('expected an array');
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      out[i] = value[i] === null ? fail('null is not allowed in an array') : convert(value[i], depth);
    } catch (error) {
      if (error instanceof JsonFieldError) error.path.unshift(`[${i}]`);
      throw error;
    }
  }
  return out;
}

function readMessage(type: protobuf.Type, json: unknown, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH} levels`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected an object');
  const plan = planFor(type);
  const message: Record<string, unknown> = {};
  for (const key of Object.keys(json)) {
    const field = plan.get(key);
    const value = (json as Record<string, unknown>)[key];
    // Unknown fields are ignored (OTLP/JSON rule); null means the field is absent (proto3 JSON).
    if (field === undefined || value === null) continue;
    try {
      message[key] = field.repeated ? readRepeated(field.convert, value, depth) : field.convert(value, depth);
    } catch (error) {
      if (error instanceof JsonFieldError) error.path.unshift(`.${key}`);
      throw error;
    }
  }
  return message;
}

/**
 * Reads an OTLP/JSON document into the same shape protobufjs decoding gives (see `rawOtlp.ts`):
 * lowerCamelCase keys, unknown keys ignored, enums by number or by name (read as their number), int64
 * as number or decimal string (read as bigint), trace and span ids as hex text, other bytes as base64.
 *
 * @throws OtlpDecodeError 400 naming the first invalid field's path.
 */
export function readOtlpJson(type: protobuf.Type, payload: Uint8Array): unknown {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (error) {
    throw new OtlpDecodeError(400, `invalid JSON: ${(error as Error).message}`);
  }
  try {
    return readMessage(type, json, 0);
  } catch (error) {
    if (!(error instanceof JsonFieldError)) throw error;
    const path = error.path.join('').replace(/^\./, '') || '(top level)';
    throw new OtlpDecodeError(400, `invalid OTLP JSON at ${path}: ${error.message}`);
  }
}
