import { int64ToBigInt } from './int64.js';
import type { Attributes, AttributeValue } from './otlpModel.js';
import type { RawAnyValue, RawKeyValue } from './rawOtlp.js';

const { hasOwn } = Object;

function intToJson(value: bigint): number | string {
  return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
    ? Number(value)
    : value.toString();
}

/** Sets an own property even for the key `__proto__`, which plain assignment would not store. */
function setOwn(target: Record<string, AttributeValue>, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

/**
 * An OTLP AnyValue as a JSON-compatible value (see {@link AttributeValue} for the mapping). Nesting is
 * bounded by the decoders (protobufjs and the JSON reader stop at depth 100), so recursion is safe.
 */
export function anyValueToJson(value: RawAnyValue | null | undefined): AttributeValue {
  // Oneof members are own properties when set; protobufjs keeps defaults on the prototype.
  if (value == null) return null;
  if (hasOwn(value, 'stringValue')) return value.stringValue!;
  if (hasOwn(value, 'intValue')) return intToJson(int64ToBigInt(value.intValue));
  if (hasOwn(value, 'doubleValue')) {
    const double = value.doubleValue!;
    return Number.isFinite(double) ? double : String(double);
  }
  if (hasOwn(value, 'boolValue')) return value.boolValue!;
  if (hasOwn(value, 'arrayValue')) return (value.arrayValue?.values ?? []).map(anyValueToJson);
  if (hasOwn(value, 'kvlistValue')) return keyValuesToAttributes(value.kvlistValue?.values);
  if (hasOwn(value, 'bytesValue')) {
    const bytes = value.bytesValue!;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  return null;
}

/** A list of OTLP KeyValue as an attributes object; a repeated key keeps its last value. */
export function keyValuesToAttributes(keyValues: RawKeyValue[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  if (keyValues == null) return attributes;
  for (const { key, value } of keyValues) setOwn(attributes, key ?? '', anyValueToJson(value));
  return attributes;
}
