import type { RawInt64 } from './rawOtlp.js';

const TWO_TO_32 = 4_294_967_296;

/** Exact value of an int64-family field (absent reads as 0). */
export function int64ToBigInt(value: RawInt64 | null | undefined): bigint {
  if (value == null) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** An int64-family field as a JS number (nearest double beyond 2^53; absent reads as 0). */
export function int64ToNumber(value: RawInt64 | null | undefined): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const high = value.unsigned ? value.high >>> 0 : value.high | 0;
  return high * TWO_TO_32 + (value.low >>> 0);
}

/** Epoch nanoseconds as a Date (millisecond precision, rounded down). */
export function nanosToDate(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n));
}
