import { ValidationError } from '../../errors.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Label and attribute keys: OpenTelemetry and Prometheus names, with dots, slashes and dashes. */
const KEY = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/;
const MAX_TEXT = 512;

/**
 * Typed, validated access to a request's query string. Every getter throws a ValidationError (400)
 * naming the parameter and the expected form; `done()` refuses parameters nobody asked for, so a
 * typo (`?servce=`) is an error instead of a silently ignored filter.
 */
export class QueryParams {
  private readonly params: URLSearchParams;
  private readonly read = new Set<string>();

  constructor(params: URLSearchParams) {
    this.params = params;
  }

  static of(url: string): QueryParams {
    return new QueryParams(new URL(url).searchParams);
  }

  /** The parameter's one value, or undefined; empty counts as absent. Repeating it is an error. */
  string(name: string, maxLength = MAX_TEXT): string | undefined {
    this.read.add(name);
    const values = this.params.getAll(name);
    if (values.length > 1) throw new ValidationError(`${name} may be given once`);
    const value = values[0];
    if (value === undefined || value === '') return undefined;
    if (value.length > maxLength) throw new ValidationError(`${name} is longer than ${maxLength} characters`);
    if (value.includes('\0')) throw new ValidationError(`${name} must not contain NUL characters`);
    return value;
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  integer(name: string, min: number, max: number, fallback: number): number;
  integer(name: string, min: number, max: number): number | undefined;
  integer(name: string, min: number, max: number, fallback?: number): number | undefined {
    const raw = this.string(name, 20);
    if (raw === undefined) return fallback;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new ValidationError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return value;
  }

  /** A finite number >= 0 (a duration in milliseconds, a value). */
  nonNegative(name: string): number | undefined {
    const raw = this.string(name, 40);
    if (raw === undefined) return undefined;
    const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) throw new ValidationError(`${name} must be a number >= 0, got "${raw}"`);
    return value;
  }

  /** One of `allowed`. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(name, 64);
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw))
      throw new ValidationError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return raw as T;
  }

  /** `true` or `false`. */
  boolean(name: string): boolean | undefined {
    const raw = this.oneOf(name, ['true', 'false']);
    return raw === undefined ? undefined : raw === 'true';
  }

  /** A time as ISO-8601 (`2026-11-28T16:00:00Z`) or milliseconds since the epoch. */
  time(name: string): Date | undefined {
    const raw = this.string(name, 40);
    if (raw === undefined) return undefined;
    const value = /^\d{1,15}$/.test(raw)
      ? new Date(Number(raw))
      : /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(raw)
        ? new Date(raw)
        : new Date(Number.NaN);
    if (Number.isNaN(value.getTime()))
      throw new ValidationError(`${name} must be an ISO-8601 time or epoch milliseconds, got "${raw}"`);
    return value;
  }

  /** A duration as milliseconds (`30000`) or with a unit: `500ms`, `30s`, `5m`, `1h`, `1d`. */
  duration(name: string): number | undefined {
    const raw = this.string(name, 20);
    if (raw === undefined) return undefined;
    const match = DURATION.exec(raw);
    const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 'ms']! : Number.NaN;
    if (!(ms >= 1) || !Number.isFinite(ms))
      throw new ValidationError(
        `${name} must be a duration such as 30s, 5m, 1h or milliseconds, got "${raw}"`,
      );
    return Math.round(ms);
  }

  /** A comma-separated list of keys (`groupBy=route,method`), at most `max`. */
  keys(name: string, max = 8): string[] {
    const raw = this.string(name);
    if (raw === undefined) return [];
    const keys = raw.split(',').map((k) => k.trim());
    if (keys.length > max) throw new ValidationError(`${name} lists at most ${max} keys`);
    for (const key of keys) checkKey(name, key);
    return [...new Set(keys)];
  }

  /** A comma-separated list of numbers in [min, max] (`p=0.5,0.95,0.99`), at most `max` of them. */
  numbers(name: string, min: number, max: number, maxCount = 8): number[] | undefined {
    const raw = this.string(name, 200);
    if (raw === undefined) return undefined;
    const values = raw
      .split(',')
      .map((part) => (/^\d+(\.\d+)?$/.test(part.trim()) ? Number(part) : Number.NaN));
    if (values.length > maxCount || values.some((v) => !(v >= min && v <= max)))
      throw new ValidationError(
        `${name} must list up to ${maxCount} numbers from ${min} to ${max}, got "${raw.slice(0, 64)}"`,
      );
    return [...new Set(values)];
  }

  /** Repeated `name=value` values (`service=api&service=worker`), each non-empty, at most `max`. */
  list(name: string, max = 20): string[] {
    this.read.add(name);
    const values = this.params.getAll(name).filter((v) => v !== '');
    if (values.length > max) throw new ValidationError(`${name} may be given at most ${max} times`);
    for (const value of values) {
      if (value.length > MAX_TEXT) throw new ValidationError(`${name} is longer than ${MAX_TEXT} characters`);
      if (value.includes('\0')) throw new ValidationError(`${name} must not contain NUL characters`);
    }
    return [...new Set(values)];
  }

  /** Repeated `name=key:value` pairs (the value may contain colons), at most `max`. */
  pairs(name: string, max = 8): Record<string, string> {
    this.read.add(name);
    const values = this.params.getAll(name).filter((v) => v !== '');
    if (values.length > max) throw new ValidationError(`${name} may be given at most ${max} times`);
    const pairs: Record<string, string> = {};
    for (const raw of values) {
      const colon = raw.indexOf(':');
      if (colon <= 0)
        throw new ValidationError(`${name} must look like key:value, got "${raw.slice(0, 64)}"`);
      if (raw.length > MAX_TEXT) throw new ValidationError(`${name} is longer than ${MAX_TEXT} characters`);
      const key = raw.slice(0, colon);
      checkKey(name, key);
      const value = raw.slice(colon + 1);
      if (value.includes('\0')) throw new ValidationError(`${name} must not contain NUL characters`);
      pairs[key] = value;
    }
    return pairs;
  }

  /** Fails on any parameter no getter asked for. Call after reading them all. */
  done(): void {
    for (const name of this.params.keys()) {
      if (!this.read.has(name)) {
        const known = [...this.read].sort().join(', ') || 'none';
        throw new ValidationError(`unknown parameter "${name.slice(0, 64)}" (known: ${known})`);
      }
    }
  }
}

function checkKey(param: string, key: string): void {
  if (!KEY.test(key))
    throw new ValidationError(
      `${param}: "${key.slice(0, 64)}" is not a valid key (letters, digits, _ . : / -, starting with a letter)`,
    );
}
