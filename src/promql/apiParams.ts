/**
 * The parameters of Prometheus's HTTP API as Prometheus reads them: times as RFC 3339 or unix
 * seconds, durations as PromQL durations or float seconds, limits as non-negative integers. Every
 * failure is a `bad_data` PromQLError naming the parameter, in Prometheus's words.
 */
import { parseDurationMs } from './literals.js';
import { PromQLError } from './PromQLError.js';

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A `bad_data` error about one parameter: `invalid parameter "step": ...`. */
export function invalidParameter(name: string, reason: string): PromQLError {
  return new PromQLError('bad_data', `invalid parameter "${name}": ${reason}`);
}

/** Milliseconds since the epoch of an RFC 3339 time or unix seconds (rounded to the millisecond). */
export function parseApiTime(name: string, raw: string): number {
  const text = raw.trim();
  if (FLOAT.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return ms;
  } else if (RFC3339.test(text)) {
    const ms = Date.parse(text.toUpperCase());
    if (Number.isFinite(ms)) return ms;
  }
  throw invalidParameter(name, `cannot parse ${JSON.stringify(raw)} to a valid timestamp`);
}

/** Milliseconds of a PromQL duration (`5m`, `1h30m`) or of float seconds (`15`, `0.5`). */
export function parseApiDuration(name: string, raw: string): number {
  const text = raw.trim();
  const ms = FLOAT.test(text) ? Number(text) * 1000 : parseDurationMs(text);
  if (ms === undefined || !Number.isFinite(ms))
    throw invalidParameter(name, `cannot parse ${JSON.stringify(raw)} to a valid duration`);
  return ms;
}

/** A limit: 0 (or absent) means none. */
export function parseApiLimit(name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const value = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw invalidParameter(name, `cannot parse ${JSON.stringify(raw)} to a valid limit`);
  return value;
}
